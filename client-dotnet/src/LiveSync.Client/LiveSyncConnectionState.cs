namespace LiveSync.Client;

/// <summary>The state of a <see cref="LiveSyncClient"/>'s connection to the server.</summary>
public enum LiveSyncConnectionState
{
    /// <summary>Not connected and not trying: before <see cref="LiveSyncClient.ConnectAsync"/>, or after disposal.</summary>
    Disconnected,

    /// <summary>The first connect is under way.</summary>
    Connecting,

    /// <summary>Connected; documents are in sync or catching up.</summary>
    Connected,

    /// <summary>The connection was lost; the client is reconnecting and will re-open every open document.</summary>
    Reconnecting,
}
