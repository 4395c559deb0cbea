using System.Collections.Concurrent;
using LiveSync.Protocol;

namespace LiveSync.Server.Storage.Memory;

/// <summary>
/// A thread-safe <see cref="IOpLog"/> in process memory: nothing survives the process. For fast tests and as a
/// reference adapter of the storage contract. Each document has its own lock; payloads and snapshot data are copied
/// in and out, so callers may reuse their buffers. Keeps every op and every snapshot.
/// </summary>
public sealed class InMemoryOpLog : IOpLog
{
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<LogHead> ReadHeadAsync(string docId, CancellationToken cancellationToken = default)
    {
        var doc = Find(docId);
        if (doc is null)
        {
            return ValueTask.FromResult(new LogHead(0, 1));
        }

        lock (doc)
        {
            return ValueTask.FromResult(new LogHead(doc.Ops.Count, 1));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredOp>> ReadOpsAsync(string docId, long from, long to, int limit, CancellationToken cancellationToken = default)
    {
        var doc = Find(docId);
        if (doc is null || limit <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredOp>>([]);
        }

        lock (doc)
        {
            from = Math.Max(from, 1);
            to = Math.Min(to, doc.Ops.Count);
            var result = new List<StoredOp>();
            for (var v = from; v <= to && result.Count < limit; v++)
            {
                result.Add(Copy(doc.Ops[(int)(v - 1)]));
            }

            return ValueTask.FromResult<IReadOnlyList<StoredOp>>(result);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The ops are not numbered <paramref name="expectedHead"/> + 1, + 2, ...</exception>
    public ValueTask<AppendResult> AppendAsync(string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedHead);
        ArgumentNullException.ThrowIfNull(ops);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is null || ops[i].ClientId is null || ops[i].V != expectedHead + 1 + i)
            {
                throw new ArgumentException($"ops[{i}] must be non-null, with a client id and version {expectedHead + 1 + i}.", nameof(ops));
            }
        }

        var doc = _documents.GetOrAdd(docId, static _ => new Document());
        lock (doc)
        {
            if (doc.Ops.Count != expectedHead)
            {
                return ValueTask.FromResult(AppendResult.Conflict(doc.Ops.Count));
            }

            foreach (var op in ops)
            {
                doc.Ops.Add(Copy(op));
                doc.ClientSeqs[op.ClientId] = new ClientSeq(op.Seq, op.V);
            }

            return ValueTask.FromResult(AppendResult.Success(doc.Ops.Count));
        }
    }

    /// <inheritdoc />
    public ValueTask<ClientSeq?> ReadClientSeqAsync(string docId, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var doc = Find(docId);
        if (doc is null)
        {
            return ValueTask.FromResult<ClientSeq?>(null);
        }

        lock (doc)
        {
            return ValueTask.FromResult<ClientSeq?>(doc.ClientSeqs.TryGetValue(clientId, out var seq) ? seq : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredSnapshot?> ReadSnapshotAsync(string docId, long maxV, CancellationToken cancellationToken = default)
    {
        var doc = Find(docId);
        if (doc is null)
        {
            return ValueTask.FromResult<StoredSnapshot?>(null);
        }

        lock (doc)
        {
            StoredSnapshot? best = null;
            foreach (var (v, snapshot) in doc.Snapshots)
            {
                if (v > maxV)
                {
                    break;
                }

                best = snapshot;
            }

            return ValueTask.FromResult(best is null ? null : best with { Data = best.Data.ToArray() });
        }
    }

    /// <inheritdoc />
    public ValueTask WriteSnapshotAsync(string docId, StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ArgumentNullException.ThrowIfNull(snapshot);
        var doc = _documents.GetOrAdd(docId, static _ => new Document());
        lock (doc)
        {
            doc.Snapshots[snapshot.V] = snapshot with { Data = snapshot.Data.ToArray() };
        }

        return ValueTask.CompletedTask;
    }

    private Document? Find(string docId)
    {
        Identifiers.RequireDocId(docId);
        return _documents.TryGetValue(docId, out var doc) ? doc : null;
    }

    private static StoredOp Copy(StoredOp op) => op with { Payload = op.Payload.ToArray() };

    private sealed class Document
    {
        public List<StoredOp> Ops { get; } = [];

        public Dictionary<string, ClientSeq> ClientSeqs { get; } = new(StringComparer.Ordinal);

        public SortedList<long, StoredSnapshot> Snapshots { get; } = [];
    }
}
