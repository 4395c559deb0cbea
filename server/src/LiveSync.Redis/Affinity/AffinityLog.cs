using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// Document affinity's log events (ids 3180-3199). Server and document ids only: never submissions. Method names
/// are telemetry names: keep them stable.
/// </summary>
internal static partial class AffinityLog
{
    [LoggerMessage(EventId = 3180, Level = LogLevel.Information, Message = "Document affinity on as server {ServerId}: submissions are sequenced by their document's owner, forwarded to it with a timeout of {Timeout}.")]
    public static partial void Started(ILogger logger, string serverId, TimeSpan timeout);

    [LoggerMessage(EventId = 3181, Level = LogLevel.Information, Message = "Document affinity: {Count} server(s) own documents ({Servers}).")]
    public static partial void ServersChanged(ILogger logger, int count, string servers);

    [LoggerMessage(EventId = 3182, Level = LogLevel.Warning, Message = "A submission to {DocId} could not be forwarded to its owner {Owner} ({Reason}); it is sequenced here, and so are that server's other documents for {PassedOverFor}.")]
    public static partial void OwnerPassedOver(ILogger logger, string docId, string owner, string reason, TimeSpan passedOverFor);

    [LoggerMessage(EventId = 3183, Level = LogLevel.Warning, Message = "The document affinity heartbeat to Redis failed; retrying in {Interval}.")]
    public static partial void HeartbeatFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(EventId = 3184, Level = LogLevel.Debug, Message = "Document affinity totals: {Forwarded} submissions forwarded to their owner, {Served} sequenced here for other servers, {Fallbacks} sequenced here after a forward failed.")]
    public static partial void Totals(ILogger logger, long forwarded, long served, long fallbacks);

    [LoggerMessage(EventId = 3185, Level = LogLevel.Warning, Message = "A document affinity message on {Channel} is malformed and was dropped.")]
    public static partial void Malformed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 3186, Level = LogLevel.Warning, Message = "Answering a submission to {DocId} forwarded by server {Sender} failed; it sequences the submission itself after its timeout.")]
    public static partial void ReplyFailed(ILogger logger, string docId, string sender, Exception exception);

    [LoggerMessage(EventId = 3187, Level = LogLevel.Warning, Message = "Sequencing a submission to {DocId} forwarded by server {Sender} failed unexpectedly; the sender sequences it itself.")]
    public static partial void ServeFailed(ILogger logger, string docId, string sender, Exception exception);

    [LoggerMessage(EventId = 3188, Level = LogLevel.Information, Message = "Document affinity: left the servers that own documents.")]
    public static partial void Left(ILogger logger);
}
