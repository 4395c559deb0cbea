using Microsoft.Extensions.Logging;

namespace LiveSync.Client;

/// <summary>Log messages of the client and its documents. Event ids 1-99. Never logs op contents or tokens.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connecting client {ClientId} to {Url}.")]
    public static partial void Connecting(ILogger logger, string clientId, string url);

    [LoggerMessage(2, LogLevel.Information, "Connected.")]
    public static partial void Connected(ILogger logger);

    [LoggerMessage(3, LogLevel.Warning, "Connection lost; reconnecting.")]
    public static partial void Reconnecting(ILogger logger, Exception? exception);

    [LoggerMessage(4, LogLevel.Information, "Reconnected; re-opening {Count} documents.")]
    public static partial void Reconnected(ILogger logger, int count);

    [LoggerMessage(5, LogLevel.Information, "Connection closed.")]
    public static partial void Closed(ILogger logger, Exception? exception);

    [LoggerMessage(10, LogLevel.Debug, "Document {DocId} loaded at version {Version} from a snapshot.")]
    public static partial void LoadedSnapshot(ILogger logger, string docId, long version);

    [LoggerMessage(11, LogLevel.Debug, "Document {DocId} caught up from version {Since} to {Version}.")]
    public static partial void CaughtUp(ILogger logger, string docId, long since, long version);

    [LoggerMessage(12, LogLevel.Debug, "Document {DocId} fetching ops {From} to {To}.")]
    public static partial void FetchingGap(ILogger logger, string docId, long from, long to);

    [LoggerMessage(13, LogLevel.Warning, "Document {DocId}: the server rejected change {Seq} with {Code}; reloading.")]
    public static partial void Rejected(ILogger logger, string docId, long seq, string code);

    [LoggerMessage(14, LogLevel.Information, "Document {DocId} reloading its snapshot: {Reason}.")]
    public static partial void Reloading(ILogger logger, string docId, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Document {DocId} resubmitting change {Seq}.")]
    public static partial void Resubmitting(ILogger logger, string docId, long seq);

    [LoggerMessage(16, LogLevel.Warning, "Document {DocId}: a background call failed.")]
    public static partial void BackgroundFailed(ILogger logger, string docId, Exception exception);

    [LoggerMessage(17, LogLevel.Error, "Document {DocId}: an event handler threw.")]
    public static partial void HandlerFailed(ILogger logger, string docId, Exception exception);
}
