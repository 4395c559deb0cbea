using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Sequencing;

/// <summary>Log messages of sequencing. Event ids 100-199; method names are telemetry names: keep them stable.</summary>
internal static partial class SequencerLog
{
    [LoggerMessage(100, LogLevel.Debug, "Loaded document {DocId} at version {Version}")]
    public static partial void Loaded(ILogger logger, string docId, long version);

    [LoggerMessage(101, LogLevel.Debug, "Append to {DocId} expected head {Expected} but found {Head} (attempt {Attempt}); catching up")]
    public static partial void AppendConflict(ILogger logger, string docId, long expected, long head, int attempt);

    [LoggerMessage(102, LogLevel.Error, "Sequencing {DocId} failed unexpectedly; the batch was rejected as unavailable")]
    public static partial void UnexpectedFailure(ILogger logger, string docId, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Broadcasting {DocId} up to version {Version} failed; subscribers will fetch the gap")]
    public static partial void PublishFailed(ILogger logger, string docId, long version, Exception exception);

    [LoggerMessage(104, LogLevel.Warning, "Storing a snapshot of {DocId} at version {Version} failed")]
    public static partial void SnapshotFailed(ILogger logger, string docId, long version, Exception exception);

    [LoggerMessage(105, LogLevel.Debug, "Unloaded {Count} idle documents")]
    public static partial void Unloaded(ILogger logger, int count);
}
