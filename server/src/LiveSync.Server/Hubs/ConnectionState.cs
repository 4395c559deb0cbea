namespace LiveSync.Server.Hubs;

/// <summary>
/// What the hub remembers about one connection, kept as a feature of the connection
/// (<c>HubCallerContext.Features</c>): set once when it connects, before any hub method of it runs, then only read.
/// </summary>
internal sealed class ConnectionState(string clientId)
{
    public string ClientId { get; } = clientId;

    /// <summary>Documents this connection has opened or set presence on; guarded by locking the set.</summary>
    public HashSet<string> Documents { get; } = new(StringComparer.Ordinal);
}
