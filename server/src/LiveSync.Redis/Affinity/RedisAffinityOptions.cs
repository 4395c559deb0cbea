namespace LiveSync.Redis.Affinity;

/// <summary>
/// Settings of document affinity across servers on one Redis, bound from the <c>LiveSync:RedisAffinity</c>
/// configuration section. With affinity, each document has one owning server among those running (chosen by
/// rendezvous hashing over the servers that send affinity heartbeats), and a submission that reaches another server
/// is forwarded to the owner over Redis pub/sub and sequenced there, so servers stop racing each other's appends.
/// Correctness never depends on it: when the owner is unknown, unreachable or does not answer in time, the
/// submission is sequenced where it arrived, as without affinity. Validated when the server starts.
/// </summary>
public sealed class RedisAffinityOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LiveSync:RedisAffinity";

    /// <summary>
    /// Whether this server forwards submissions to their document's owner and sequences those forwarded to it.
    /// A server with it off sequences everything itself and is never chosen as an owner. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a forwarded submission waits for the owner's answer before it is sequenced here instead (safe even
    /// if the owner did store it: the same (client id, seq) is never stored twice and gets its first version). The
    /// owner is then passed over for <c>RedisBackplane:PresenceServerTimeout</c>. Default 2 seconds.
    /// </summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
