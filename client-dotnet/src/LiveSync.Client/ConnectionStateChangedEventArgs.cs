namespace LiveSync.Client;

/// <summary>Tells that a <see cref="LiveSyncClient"/>'s connection state changed.</summary>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
/// <param name="error">The error that caused the change, if any.</param>
public sealed class ConnectionStateChangedEventArgs(LiveSyncConnectionState previous, LiveSyncConnectionState current, Exception? error) : EventArgs
{
    /// <summary>The state before.</summary>
    public LiveSyncConnectionState Previous { get; } = previous;

    /// <summary>The state now.</summary>
    public LiveSyncConnectionState Current { get; } = current;

    /// <summary>The error that caused the change (a lost connection), or null.</summary>
    public Exception? Error { get; } = error;
}
