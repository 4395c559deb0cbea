namespace LiveSync.Redis.Backplane;

/// <summary>What catch-up after a backplane drop needs of one hub's lifetime manager.</summary>
internal interface IBackplaneHub
{
    /// <summary>The groups with at least one connection on this server.</summary>
    IReadOnlyCollection<string> LocalGroups { get; }

    /// <summary>Sends to a group's members on every server.</summary>
    Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default);
}
