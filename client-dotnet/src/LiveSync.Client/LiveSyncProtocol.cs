namespace LiveSync.Client;

/// <summary>The SignalR hub protocol a <see cref="LiveSyncClient"/> speaks to the server.</summary>
public enum LiveSyncProtocol
{
    /// <summary>
    /// <c>messagepack</c>: binary WebSocket frames, smaller and cheaper to parse than JSON. Needs a server that offers
    /// it (every LiveSync server does). The default.
    /// </summary>
    MessagePack,

    /// <summary><c>json</c>: text WebSocket frames, readable in a browser's network inspector.</summary>
    Json,
}
