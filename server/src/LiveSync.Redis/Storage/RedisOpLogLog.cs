using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Storage;

/// <summary>
/// The Redis op log's log events (ids 3120-3139). Document ids, versions, endpoints and Redis error texts only:
/// never op contents or passwords. Method names are telemetry names: keep them stable.
/// </summary>
internal static partial class RedisOpLogLog
{
    [LoggerMessage(EventId = 3120, Level = LogLevel.Information, Message = "Storing ops in Redis at {EndPoint} (Redis {Version}, key prefix '{Prefix}', AOF {Aof}).")]
    public static partial void Started(ILogger logger, string endPoint, string version, string prefix, string aof);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "Redis at {EndPoint} has append-only persistence (AOF) off: acknowledged ops since the last RDB save are lost if Redis stops. Enable it with appendonly yes and appendfsync always (or everysec).")]
    public static partial void AofOff(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "Redis at {EndPoint} cannot be reached yet (attempt {Attempt}); retrying.")]
    public static partial void StartRetry(ILogger logger, string endPoint, int attempt, Exception exception);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Warning, Message = "Storage call {Call} on {DocId} failed: Redis unavailable ({Reason}).")]
    public static partial void CallFailed(ILogger logger, string call, string docId, string reason);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Warning, Message = "The reply to an append to {DocId} after version {ExpectedHead} was lost ({Reason}); finding out whether it was stored.")]
    public static partial void AppendIndeterminate(ILogger logger, string docId, long expectedHead, string reason);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Information, Message = "The append to {DocId} after version {ExpectedHead} whose reply was lost is settled: {Outcome}.")]
    public static partial void AppendResolved(ILogger logger, string docId, long expectedHead, string outcome);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Error, Message = "The op log of {DocId} is not safe to use: {Problem}. Its versions are not reused; calls on it fail as unavailable until an operator restores it.")]
    public static partial void LogUnsafe(ILogger logger, string docId, string problem);

    [LoggerMessage(EventId = 3127, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {EndPoint}; storage calls fail as unavailable until it is back.")]
    public static partial void ConnectionLost(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 3128, Level = LogLevel.Information, Message = "The connection to Redis at {EndPoint} is back.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);
}
