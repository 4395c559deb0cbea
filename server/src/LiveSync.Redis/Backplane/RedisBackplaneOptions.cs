namespace LiveSync.Redis.Backplane;

/// <summary>
/// Settings of the Redis backplane and of presence across servers, bound from the <c>LiveSync:RedisBackplane</c>
/// configuration section. The connection string and key prefix are the op log's (<c>LiveSync:Redis</c>,
/// <c>LiveSync:RedisStorage:KeyPrefix</c>). Validated when the server starts.
/// </summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LiveSync:RedisBackplane";

    /// <summary>
    /// How long adding or removing a connection held by another server to or from a group waits for that server's
    /// acknowledgement before it fails with a <see cref="TimeoutException"/> (also what happens when no server holds
    /// the connection). Default 5 seconds.
    /// </summary>
    public TimeSpan GroupCommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a server tells Redis it is alive, and looks for servers that stopped doing so. Default 1 second.
    /// </summary>
    public TimeSpan PresenceHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its last heartbeat a server counts as dead: the presence its clients had is then cleared and
    /// every document's subscribers are told they left. So a server killed outright has its clients' presence
    /// cleared within this plus one <see cref="PresenceHeartbeatInterval"/>. Must be more than twice the interval.
    /// Default 5 seconds.
    /// </summary>
    public TimeSpan PresenceServerTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
