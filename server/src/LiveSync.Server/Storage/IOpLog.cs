namespace LiveSync.Server.Storage;

/// <summary>
/// The storage port: each document's append-only op log and its snapshots. Shaped by what sequencing needs
/// (read the head, read a range, append if the head is still what was read, snapshots), so an adapter is small.
/// Every adapter passes the same contract suite. Implementations are thread-safe; callers never append to one
/// document concurrently from one process, but several processes may race, which the conditional append settles.
/// Storage failures throw <see cref="LiveSync.Protocol.LiveSyncException"/> with code <c>unavailable</c>.
/// </summary>
public interface IOpLog
{
    /// <summary>The document's head; <c>(0, 1)</c> for a document never written.</summary>
    ValueTask<LogHead> ReadHeadAsync(string docId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The kept ops with <paramref name="from"/> &lt;= v &lt;= <paramref name="to"/>, in order, at most
    /// <paramref name="limit"/>. Versions below the first kept one are simply not returned.
    /// </summary>
    ValueTask<IReadOnlyList<StoredOp>> ReadOpsAsync(string docId, long from, long to, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="ops"/> (versions <paramref name="expectedHead"/> + 1, + 2, ... in order) if and only
    /// if the head is <paramref name="expectedHead"/>, and records each op's client and seq for
    /// <see cref="ReadClientSeqAsync"/>, atomically: all of them or none. When this returns, the ops are as durable
    /// as the adapter is configured to make them.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken = default);

    /// <summary>The client's last submission to the document, or null when it never submitted.</summary>
    ValueTask<ClientSeq?> ReadClientSeqAsync(string docId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>The latest stored snapshot with a version at or below <paramref name="maxV"/>, or null.</summary>
    ValueTask<StoredSnapshot?> ReadSnapshotAsync(string docId, long maxV, CancellationToken cancellationToken = default);

    /// <summary>Stores a snapshot (an optimisation: the log alone is the truth). Older snapshots may be dropped.</summary>
    ValueTask WriteSnapshotAsync(string docId, StoredSnapshot snapshot, CancellationToken cancellationToken = default);
}
