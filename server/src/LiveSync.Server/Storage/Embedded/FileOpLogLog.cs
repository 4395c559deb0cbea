using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// The embedded op log's log messages, event ids 3000-3099. Method names are telemetry names: keep them stable.
/// Messages carry document ids, versions and offsets, never op or snapshot contents.
/// </summary>
internal static partial class FileOpLogLog
{
    [LoggerMessage(3000, LogLevel.Information, "Embedded op log opened in {DataDir} with durability {Durability}")]
    public static partial void Opened(ILogger logger, string dataDir, EmbeddedDurability durability);

    [LoggerMessage(3001, LogLevel.Information, "Embedded op log in {DataDir} closed")]
    public static partial void Closed(ILogger logger, string dataDir);

    [LoggerMessage(3002, LogLevel.Debug, "Document {DocId} loaded at version {V} in {ElapsedMs} ms")]
    public static partial void DocumentLoaded(ILogger logger, string docId, long v, long elapsedMs);

    [LoggerMessage(3003, LogLevel.Debug, "Document {DocId} closed to bound open files")]
    public static partial void DocumentEvicted(ILogger logger, string docId);

    [LoggerMessage(3004, LogLevel.Warning, "Op log of document {DocId} ended in an incomplete record at byte {Offset}; cut off {DroppedBytes} bytes of a write that was never acknowledged (version {V} kept)")]
    public static partial void TornTailCut(ILogger logger, string docId, long offset, long droppedBytes, long v);

    [LoggerMessage(3005, LogLevel.Warning, "Op log of document {DocId} had an incomplete header from an interrupted creation; it was rewritten")]
    public static partial void HeaderRewritten(ILogger logger, string docId);

    [LoggerMessage(3006, LogLevel.Error, "Op log of document {DocId} is corrupt at byte {Offset} ({Path}): {Reason}. The document is unavailable until the file is repaired")]
    public static partial void LogCorrupt(ILogger logger, string docId, long offset, string path, string reason);

    [LoggerMessage(3007, LogLevel.Error, "Writing ops after version {ExpectedHead} of document {DocId} failed; nothing was stored")]
    public static partial void AppendFailed(ILogger logger, Exception exception, string docId, long expectedHead);

    [LoggerMessage(3008, LogLevel.Critical, "Op log of document {DocId} could not be cut back to byte {Offset} after a failure; it may hold ops that were reported as not stored")]
    public static partial void RollbackFailed(ILogger logger, Exception exception, string docId, long offset);

    [LoggerMessage(3009, LogLevel.Error, "Syncing the op log of document {DocId} to disk failed; its unacknowledged ops were dropped and it will be re-read from disk")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string docId);

    [LoggerMessage(3010, LogLevel.Error, "Reading document {DocId} failed")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string docId);

    [LoggerMessage(3011, LogLevel.Debug, "Snapshot of document {DocId} at version {V} written")]
    public static partial void SnapshotWritten(ILogger logger, string docId, long v);

    [LoggerMessage(3012, LogLevel.Error, "Writing the snapshot of document {DocId} at version {V} failed")]
    public static partial void SnapshotWriteFailed(ILogger logger, Exception exception, string docId, long v);

    [LoggerMessage(3013, LogLevel.Warning, "Snapshot of document {DocId} at version {V} is unreadable ({Path}); using an older one")]
    public static partial void SnapshotUnreadable(ILogger logger, string docId, long v, string path);

    [LoggerMessage(3014, LogLevel.Warning, "Snapshot of document {DocId} at version {V} is ahead of its op log (version {Head}), which lost unsynced ops; deleted it")]
    public static partial void SnapshotAheadDeleted(ILogger logger, string docId, long v, long head);

    [LoggerMessage(3015, LogLevel.Critical, "A flush round of the embedded op log failed unexpectedly")]
    public static partial void FlushRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(3016, LogLevel.Warning, "Syncing the file system of the data directory at once failed (errno {Errno}); syncing its {Documents} written op logs one by one")]
    public static partial void FileSystemSyncFailed(ILogger logger, int errno, int documents);
}
