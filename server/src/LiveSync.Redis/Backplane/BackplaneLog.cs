using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// The backplane's and cross-server presence's log events (ids 3140-3169). Channel names, group names, connection,
/// server and document ids only: never message contents. Method names are telemetry names: keep them stable.
/// </summary>
internal static partial class BackplaneLog
{
    [LoggerMessage(EventId = 3140, Level = LogLevel.Information, Message = "Redis backplane for hub {Hub} started as server {ServerId} at {EndPoint}.")]
    public static partial void Started(ILogger logger, string hub, string serverId, string endPoint);

    [LoggerMessage(EventId = 3141, Level = LogLevel.Warning, Message = "A backplane message on {Channel} could not be handled and was dropped.")]
    public static partial void MessageFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 3142, Level = LogLevel.Warning, Message = "Writing a backplane message to connection {ConnectionId} failed.")]
    public static partial void WriteFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 3143, Level = LogLevel.Warning, Message = "Leaving the backplane channels of connection {ConnectionId} failed; they are dropped with the subscriber connection.")]
    public static partial void UnsubscribeFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 3144, Level = LogLevel.Debug, Message = "Group command {Id} ({Action} {ConnectionId} to {Group}) from server {Sender} carried out.")]
    public static partial void GroupCommandDone(ILogger logger, uint id, string action, string connectionId, string group, string sender);

    [LoggerMessage(EventId = 3145, Level = LogLevel.Warning, Message = "Group command ({Action} {ConnectionId} to {Group}) got no acknowledgement within {Timeout}.")]
    public static partial void GroupCommandTimedOut(ILogger logger, string action, string connectionId, string group, TimeSpan timeout);

    [LoggerMessage(EventId = 3146, Level = LogLevel.Information, Message = "The backplane's link to Redis at {EndPoint} is back ({Link}); catching up the documents with subscribers here.")]
    public static partial void LinkRestored(ILogger logger, string endPoint, string link);

    [LoggerMessage(EventId = 3147, Level = LogLevel.Warning, Message = "The backplane's link to Redis at {EndPoint} dropped ({Link}); messages published meanwhile are lost and caught up when it is back.")]
    public static partial void LinkFailed(ILogger logger, string endPoint, string link, Exception exception);

    [LoggerMessage(EventId = 3148, Level = LogLevel.Information, Message = "Caught up {Documents} documents after the backplane link came back, in {ElapsedMs} ms.")]
    public static partial void CaughtUp(ILogger logger, int documents, long elapsedMs);

    [LoggerMessage(EventId = 3149, Level = LogLevel.Warning, Message = "Catching up document {DocId} after the backplane link came back failed; its clients catch up with their next op.")]
    public static partial void CatchUpFailed(ILogger logger, string docId, Exception exception);

    [LoggerMessage(EventId = 3150, Level = LogLevel.Warning, Message = "Catching up after the backplane link came back failed.")]
    public static partial void CatchUpRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3160, Level = LogLevel.Information, Message = "Server {DeadServerId} stopped sending heartbeats; cleared the presence of {Count} clients it held.")]
    public static partial void ServerExpired(ILogger logger, string deadServerId, int count);

    [LoggerMessage(EventId = 3161, Level = LogLevel.Warning, Message = "The presence heartbeat to Redis failed; retrying in {Interval}.")]
    public static partial void HeartbeatFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(EventId = 3162, Level = LogLevel.Warning, Message = "This server was counted dead by the others (no heartbeat for too long); set its clients' presence again.")]
    public static partial void Resurrected(ILogger logger);

    [LoggerMessage(EventId = 3163, Level = LogLevel.Warning, Message = "Telling the subscribers of {DocId} that client {ClientId} left failed.")]
    public static partial void ExpiredHandlerFailed(ILogger logger, string docId, string clientId, Exception exception);

    [LoggerMessage(EventId = 3164, Level = LogLevel.Warning, Message = "A presence entry of {DocId} in Redis is malformed and was skipped.")]
    public static partial void MalformedPresence(ILogger logger, string docId);
}
