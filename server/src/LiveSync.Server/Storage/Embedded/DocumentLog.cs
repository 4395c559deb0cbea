using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// One open document of a <see cref="FileOpLog"/>: its log file handle and the in-memory index built by one scan of
/// the log (head, the file offset of every <see cref="CheckpointStride"/>th version, each client's last seq and
/// version), its snapshot versions, and its append state.
/// <para>
/// Two heads: the written head (the last op written to the file, which the next append must name) and the
/// acknowledged head (the last op as durable as the durability setting asks, which is all readers see). With
/// <see cref="EmbeddedDurability.Always"/> written ops wait in <c>_pending</c> until the flusher syncs them; a
/// conditional append that loses to a pending op waits for it, so a conflict is only ever reported against a
/// durable winner. Locks: <see cref="AppendGate"/> orders writers (held for the write only, not the flush);
/// <c>_indexLock</c> guards the fields below it, briefly.
/// </para>
/// </summary>
internal sealed partial class DocumentLog
{
    /// <summary>The index keeps the file offset of versions 1, 1 + stride, 1 + 2 * stride, ...; a range read scans at most stride - 1 records it does not return.</summary>
    public const int CheckpointStride = 32;

    // Bytes after a bad record that are searched for valid records, to tell a torn tail from damage in the middle.
    // More than this after a bad record cannot be one unsynced write, so it is reported as damage without a search.
    private const int MaxTornTailBytes = 64 * 1024 * 1024;

    private readonly EmbeddedDurability _durability;
    private readonly int _snapshotsKept;
    private readonly ILogger _logger;
    private readonly Lazy<Task> _load;
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private readonly Lock _folderLock = new();
    private bool _folderExists;

    // -1 once closed; otherwise how many callers (and the flusher's queue) are using the document.
    private int _leases;
    private int _dirty;
    private long _lastUsed;
    private volatile bool _discarded;
    private volatile bool _broken;
    private volatile bool _reloadNeeded;
    private SafeFileHandle? _handle;

    private readonly Lock _indexLock = new();
    private long _writtenHead;
    private long _writtenEnd;
    private long _head;
    private long _ackedEnd;
    private readonly List<long> _checkpoints = [];
    private readonly Dictionary<string, ClientSeq> _clientSeqs = new(StringComparer.Ordinal);
    private readonly Queue<PendingAppend> _pending = new();
    private PendingAppend? _lastPending;
    private readonly List<long> _snapshots = [];

    /// <summary>Creates the document's state; does no I/O (see <see cref="EnsureLoadedAsync"/>).</summary>
    public DocumentLog(string docId, string folder, EmbeddedDurability durability, int snapshotsKept, ILogger logger)
    {
        DocId = docId;
        Folder = folder;
        LogPath = Path.Combine(folder, DocumentPaths.LogFileName);
        _durability = durability;
        _snapshotsKept = snapshotsKept;
        _logger = logger;
        _load = new Lazy<Task>(() => Task.Run(Load), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The document id.</summary>
    public string DocId { get; }

    /// <summary>The document's folder (full path).</summary>
    public string Folder { get; }

    /// <summary>The op log's full path.</summary>
    public string LogPath { get; }

    /// <summary>Orders appends; held while ops are written, not while they are flushed.</summary>
    public SemaphoreSlim AppendGate { get; } = new(1, 1);


    /// <summary>When the document was last used (<see cref="Environment.TickCount64"/>), for least-recently-used closing.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>True once a failure has made the in-memory state unreliable: appends are refused from then on.</summary>
    public bool IsBroken => _broken;

    /// <summary>
    /// True once a broken document's file is in its final state (cut back, or given up on), so a fresh instance may
    /// re-read it; only then is the document discarded.
    /// </summary>
    public bool ReloadNeeded => _reloadNeeded;

    /// <summary>True once removed from the open documents; it closes when its last lease is released.</summary>
    public bool IsDiscarded => _discarded;

    /// <summary>True when nobody uses the document, so it could be closed.</summary>
    public bool IsIdle => Volatile.Read(ref _leases) == 0;


    /// <summary>Takes a lease, unless the document is already closed.</summary>
    public bool TryAddLease()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases >= 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
            {
                return true;
            }

            leases = seen;
        }

        return false;
    }

    /// <summary>Releases a lease; returns the leases left.</summary>
    public int ReleaseLease() => Interlocked.Decrement(ref _leases);

    /// <summary>Marks the document as written since the flusher last synced it; true when it was not already.</summary>
    public bool TryMarkDirty() => Interlocked.CompareExchange(ref _dirty, 1, 0) == 0;

    /// <summary>Clears the mark, before a sync; a write after this marks the document again.</summary>
    public void ClearDirty() => Interlocked.Exchange(ref _dirty, 0);

    /// <summary>Marks the document used now.</summary>
    public void Touch() => Volatile.Write(ref _lastUsed, Environment.TickCount64);

    /// <summary>Marks the document removed from the open documents.</summary>
    public void MarkDiscarded() => _discarded = true;

    /// <summary>Closes the document if nobody holds a lease; true when this call closed it.</summary>
    public bool TryClose()
    {
        if (Interlocked.CompareExchange(ref _leases, -1, 0) != 0)
        {
            return false;
        }

        _handle?.Dispose();
        return true;
    }

    /// <summary>Closes the file whatever the leases; only when the whole log is disposed.</summary>
    public void ForceClose()
    {
        Volatile.Write(ref _leases, -1);
        _handle?.Dispose();
    }



    /// <summary>The acknowledged head. The whole history is kept, so the first kept version is always 1.</summary>
    public LogHead ReadHead()
    {
        lock (_indexLock)
        {
            return new LogHead(_head, 1);
        }
    }

    /// <summary>The client's last acknowledged submission, or null.</summary>
    public ClientSeq? ReadClientSeq(string clientId)
    {
        lock (_indexLock)
        {
            return _clientSeqs.TryGetValue(clientId, out var seq) ? seq : null;
        }
    }

    /// <summary>Acknowledged ops with from &lt;= v &lt;= to, at most <paramref name="limit"/>, read from the nearest checkpoint.</summary>
    public IReadOnlyList<StoredOp> ReadOps(long from, long to, int limit)
    {
        long start, end;
        SafeFileHandle? handle;
        lock (_indexLock)
        {
            from = Math.Max(from, 1);
            to = Math.Min(to, _head);
            if (from > to || limit <= 0 || _handle is null)
            {
                return [];
            }

            handle = _handle;
            start = _checkpoints[(int)((from - 1) / CheckpointStride)];
            end = _ackedEnd;
        }

        var ops = new List<StoredOp>((int)Math.Min(limit, to - from + 1));
        using var reader = new LogRecordReader(handle, start, end);
        while (ops.Count < limit)
        {
            var status = reader.Read(out var body, out var offset);
            if (status != LogRecordReader.Status.Record)
            {
                // Everything below the acknowledged end was checked when the log was opened or written since.
                throw Corrupt(offset, $"reading versions {from} to {to} found {status}");
            }

            var v = LogFormat.ReadVersion(body);
            if (v < from)
            {
                continue;
            }

            ops.Add(LogFormat.ReadOp(body));
            if (v >= to)
            {
                break;
            }
        }

        return ops;
    }
}
