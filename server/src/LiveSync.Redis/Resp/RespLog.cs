using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Resp;

/// <summary>
/// The RESP client's log events (ids 3100-3119). Endpoints, channel names, attempt counts and exceptions only:
/// never command arguments, values or passwords.
/// </summary>
internal static partial class RespLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Connected to Redis at {EndPoint}.")]
    public static partial void Connected(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {EndPoint}; reconnecting.")]
    public static partial void ConnectionLost(ILogger logger, string endPoint, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Reconnect attempt {Attempt} to Redis at {EndPoint} failed; next in {DelayMs} ms.")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, string endPoint, long delayMs, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Reconnected to Redis at {EndPoint} after {Attempt} attempt(s).")]
    public static partial void Reconnected(ILogger logger, string endPoint, int attempt);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Script {Sha1} was not cached by Redis (NOSCRIPT); sent with EVAL.")]
    public static partial void ScriptNotCached(ILogger logger, string sha1);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "A message handler for Redis channel {Channel} threw; the message was dropped.")]
    public static partial void MessageHandlerFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "A {EventName} handler threw; ignored.")]
    public static partial void EventHandlerFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Resubscribed to {ChannelCount} channel(s) and {PatternCount} pattern(s) on Redis at {EndPoint}.")]
    public static partial void Resubscribed(ILogger logger, int channelCount, int patternCount, string endPoint);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Redis at {EndPoint} sent a push message the subscriber could not read; ignored.")]
    public static partial void MalformedPush(ILogger logger, string endPoint);
}
