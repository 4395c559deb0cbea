namespace LiveSync.Server.Hubs;

/// <summary>What the hub remembers about one connection, kept in its <c>HubCallerContext.Items</c>.</summary>
internal sealed class ConnectionState(string clientId)
{
    public static readonly object Key = new();

    public string ClientId { get; } = clientId;

    /// <summary>Documents this connection has opened or set presence on; guarded by locking the set.</summary>
    public HashSet<string> Documents { get; } = new(StringComparer.Ordinal);
}
