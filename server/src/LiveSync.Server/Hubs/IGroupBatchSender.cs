namespace LiveSync.Server.Hubs;

/// <summary>
/// Implemented by a hub lifetime manager that can send several invocations of one method to a group as one
/// message: each member's connection gets them in one write, in order, and a backplane carries them in one publish.
/// LiveSync broadcasts a batch of sequenced ops this way when the registered manager offers it; otherwise it sends
/// them one by one through <c>IHubContext</c>. An implementation may write the batch as one message per connection,
/// so it is not for endpoints with SignalR's stateful reconnect, which numbers messages (LiveSync's hub has it off).
/// </summary>
public interface IGroupBatchSender
{
    /// <summary>
    /// Sends <paramref name="methodName"/> once for each entry of <paramref name="arguments"/>, in that order, to
    /// every member of <paramref name="groupName"/> on every server.
    /// </summary>
    /// <param name="groupName">The group.</param>
    /// <param name="methodName">The client method.</param>
    /// <param name="arguments">The arguments of each invocation.</param>
    /// <param name="cancellationToken">Abandons the sends.</param>
    /// <returns>A task that completes when the sends have been handed over.</returns>
    Task SendGroupBatchAsync(string groupName, string methodName, IReadOnlyList<object?[]> arguments, CancellationToken cancellationToken = default);
}
