namespace LiveSync.Client;

/// <summary>
/// An error that no caller awaits: a background fetch or resync that failed, or a submitted change the server
/// rejected (whose document then rolled back to the server's snapshot).
/// </summary>
/// <param name="error">The error; a <see cref="LiveSync.Protocol.LiveSyncException"/> when the server gave a code.</param>
public sealed class LiveSyncErrorEventArgs(Exception error) : EventArgs
{
    /// <summary>The error; a <see cref="LiveSync.Protocol.LiveSyncException"/> when the server gave a code.</summary>
    public Exception Error { get; } = error;
}
