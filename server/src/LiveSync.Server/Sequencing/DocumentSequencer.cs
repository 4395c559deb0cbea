using System.Buffers;
using System.Numerics;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// The one ordering point of one document: it owns "the next version or a reject". Work is queued and run by a
/// loop that exists only while there is work; whatever has queued up meanwhile is sequenced as one batch and
/// appended in one storage round trip. Per batch: load the head, transform each stale submission over the ops it
/// missed, validate, append on the condition that the head is still what was read; on a lost race (another server
/// appended) catch up and re-sequence, a bounded number of times; publish only after the append is durable.
/// Documents never share a lock, so they proceed in parallel.
/// </summary>
internal sealed class DocumentSequencer : IThreadPoolWorkItem
{
    /// <summary>Past twice this size, a document is snapshotted less often (<see cref="SnapshotInterval"/>).</summary>
    internal const long LargeDocumentSize = 64 * 1024;

    // Nothing missed: the common case for a client that is up to date, answered without allocating a list.
    private static readonly List<AppliedOp> NoneMissed = [];

    private readonly string _docId;
    private readonly SequencerContext _context;
    private readonly object _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly List<WorkItem> _batch = [];
    private readonly Dictionary<string, ClientSeq> _clientSeqs = new(StringComparer.Ordinal);
    private readonly RecentOps _recent;

    // Owned by the loop and reused for every op and batch: saves, per op, a buffer writer, its array, a JSON writer
    // and the copied-out byte[] of the op's JSON; per batch, the builder with its three lists and dictionary; per
    // stale submission, the list of ops it missed.
    private readonly ArrayBufferWriter<byte> _opJson = new(256);
    private readonly Utf8JsonWriter _opWriter;
    private readonly BatchBuilder _builder = new();
    private readonly List<AppliedOp> _missed = [];
    private Task _publishing = Task.CompletedTask;
    private bool _running;
    private bool _retired;
    private bool _yielded;
    private long _lastUsed;

    // Owned by the loop. _published is the same object, readable by anyone without a lock.
    private DocumentState? _state;
    private volatile DocumentState? _published;

    public DocumentSequencer(string docId, SequencerContext context)
    {
        _docId = docId;
        _context = context;
        _recent = new RecentOps(context.Options.RecentOpsCached);
        _lastUsed = Environment.TickCount64;
        _opWriter = new Utf8JsonWriter(_opJson);
    }

    /// <summary>The latest committed state, or null when the document is not loaded.</summary>
    public DocumentState? Published => _published;

    /// <summary>Queues <paramref name="item"/>; false when this sequencer was retired and a new one must be used.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            if (_queue.Count >= _context.Options.MaxBatch * 64)
            {
                item.Fail(new LiveSyncException(ErrorCodes.RateLimited, "the document has too many submissions waiting; retry in 1 second"));
                return true;
            }

            _queue.Enqueue(item);
            _lastUsed = Environment.TickCount64;
            if (!_running)
            {
                _running = true;

                // Queued as itself: no Task and no closure per wake-up, and no caller's execution context (a
                // client's logging scope or activity) carried into work done for every client of the document.
                // Not run inline: the hop lets submissions that arrive meanwhile join the first batch (measured:
                // starting inline cost ~10% more CPU per op on one busy document, from smaller batches).
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        return true;
    }

    /// <summary>Retires this sequencer if it has been idle for <paramref name="idleMs"/>; a retired one takes no more work.</summary>
    public bool TryRetire(long idleMs)
    {
        lock (_gate)
        {
            if (_running || _queue.Count > 0 || Environment.TickCount64 - _lastUsed < idleMs)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        // Woken for a single submission: go to the back of the thread pool's queue once, so that one arriving
        // meanwhile for the same document (from another of its clients) joins the batch and shares its storage round
        // trip. Measured in scenario (c), 2 clients per document: 7 of 9 alternating pairs faster, medians +3% to
        // +18% ops/s and 3-11% less redis-server CPU per op; neutral in (a), (b) and (d), where batches are larger.
        if (!_yielded)
        {
            int queued;
            lock (_gate)
            {
                queued = _queue.Count;
            }

            if (queued == 1)
            {
                _yielded = true;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
        }

        _yielded = false;

        // RunAsync catches everything, so the task it returns never faults.
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    _lastUsed = Environment.TickCount64;
                    return;
                }

                _batch.Clear();
                while (_queue.Count > 0 && _batch.Count < _context.Options.MaxBatch)
                {
                    _batch.Add(_queue.Dequeue());
                }
            }

            await ProcessAsync(_batch);
        }
    }

    private async Task ProcessAsync(List<WorkItem> batch)
    {
        List<SubmitWork>? submits = null;
        var refresh = false;
        foreach (var item in batch)
        {
            if (item is SubmitWork submit)
            {
                (submits ??= []).Add(submit);
            }
            else if (item is ReadWork { Refresh: true })
            {
                refresh = true;
            }
        }

        try
        {
            if (_state is null)
            {
                await LoadAsync();
            }
            else if (refresh)
            {
                var head = await _context.Store.ReadHeadAsync(_docId);
                await CatchUpAsync(head.V);
            }

            if (submits is not null)
            {
                await SequenceAsync(submits);
            }

            foreach (var item in batch)
            {
                (item as ReadWork)?.Completion.TrySetResult(_state!);
            }
        }
        catch (Exception ex)
        {
            // Whatever failed (storage unreachable, a corrupt log), the in-memory state may no longer match the
            // store: drop it so the next call reloads from the truth.
            _state = null;
            _published = null;
            _recent.Clear();
            _clientSeqs.Clear();
            var error = ex as LiveSyncException;
            if (error is null)
            {
                SequencerLog.UnexpectedFailure(_context.Logger, _docId, ex);
                error = new LiveSyncException(ErrorCodes.Unavailable, "storage failed; nothing was stored; retry");
            }

            foreach (var item in batch)
            {
                item.Fail(error);
            }
        }
    }

    private async Task LoadAsync()
    {
        _recent.Clear();
        _clientSeqs.Clear();
        var head = await _context.Store.ReadHeadAsync(_docId);
        _state = DocumentState.Empty;
        if (head.V > 0)
        {
            var snapshot = await _context.Store.ReadSnapshotAsync(_docId, head.V);
            if (snapshot is not null)
            {
                _state = OpReplay.FromSnapshot(snapshot);
            }

            if (head.FirstKept > _state.V + 1)
            {
                throw new LiveSyncException(
                    ErrorCodes.Unavailable,
                    $"the stored document is inconsistent: versions {_state.V + 1} to {head.FirstKept - 1} are neither kept nor in a snapshot");
            }
        }

        await CatchUpAsync(head.V);
        _published = _state;
        SequencerLog.Loaded(_context.Logger, _docId, _state.V);
    }

    /// <summary>Applies the ops another writer appended, up to <paramref name="target"/>.</summary>
    private async Task CatchUpAsync(long target)
    {
        var state = _state!;
        while (state.V < target)
        {
            var ops = await _context.Store.ReadOpsAsync(_docId, state.V + 1, target, HubNames.MaxFetch);
            if (ops.Count == 0)
            {
                throw new LiveSyncException(ErrorCodes.Unavailable, $"the stored document is inconsistent: version {state.V + 1} is missing");
            }

            foreach (var stored in ops)
            {
                state = OpReplay.Apply(state, stored, out var applied);
                _recent.Add(applied);
                _clientSeqs[stored.ClientId] = new ClientSeq(stored.Seq, stored.V);
            }
        }

        _state = state;
        _published = state;
    }

    private async Task SequenceAsync(List<SubmitWork> submits)
    {
        var outcomes = new object?[submits.Count];

        // Another server may have moved the document on: a submission made against a version this server has not
        // seen is not ahead of the document until the store says so. Catching up first also brings the clients'
        // last seqs up to date, so a client that moved between servers is not taken for skipping a seq.
        var newestBase = 0L;
        foreach (var submit in submits)
        {
            newestBase = Math.Max(newestBase, submit.Submission.V);
        }

        if (newestBase > _state!.V)
        {
            var head = await _context.Store.ReadHeadAsync(_docId);
            if (head.V > _state.V)
            {
                await CatchUpAsync(head.V);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            // Clients not seen since this document was loaded: one store read each, once.
            foreach (var submit in submits)
            {
                var clientId = submit.Submission.ClientId;
                if (!_clientSeqs.ContainsKey(clientId))
                {
                    _clientSeqs[clientId] = await _context.Store.ReadClientSeqAsync(_docId, clientId) ?? default;
                }
            }

            var batch = _builder;
            batch.Reset(_state!);
            for (var i = 0; i < submits.Count; i++)
            {
                try
                {
                    outcomes[i] = await SequenceOneAsync(submits[i].Submission, batch);
                }
                catch (LiveSyncException ex) when (ex.Code != ErrorCodes.Unavailable)
                {
                    outcomes[i] = ex;
                }
            }

            if (batch.Ops.Count == 0)
            {
                Complete(submits, outcomes);
                return;
            }

            var result = await _context.Store.AppendAsync(_docId, batch.Committed.V, batch.Ops);
            if (result.Appended)
            {
                Commit(batch);

                // One broadcast in flight at a time keeps batches in order and a slow subscriber's backlog bounded,
                // but this batch's submitters are not kept waiting for it: by the time a send has started, its
                // message is queued on every local connection (the submitter's op before its reply), and the
                // backplane's copy goes out in order on its own connection. Its round trip overlaps the next append.
                await _publishing;
                _publishing = StartPublish(batch);
                Complete(submits, outcomes);
                _context.Metrics.Sequenced(batch.Ops.Count);
                await MaybeSnapshotAsync(batch.Committed.V);
                return;
            }

            _context.Metrics.AppendConflict();
            SequencerLog.AppendConflict(_context.Logger, _docId, batch.Committed.V, result.Head, attempt);
            if (attempt >= _context.Options.MaxAppendAttempts)
            {
                throw new LiveSyncException(ErrorCodes.Unavailable, $"lost the race to append {attempt} times; nothing was stored; retry");
            }

            // No back-off: a conditional append that failed means another server's succeeded, so servers never lose
            // together; waiting would only hand the winner more rounds. Catch up and try again at once.
            await CatchUpAsync(result.Head);
        }
    }

    private static void Complete(List<SubmitWork> submits, object?[] outcomes)
    {
        for (var i = 0; i < submits.Count; i++)
        {
            if (outcomes[i] is SubmitOutcome outcome)
            {
                submits[i].Completion.TrySetResult(outcome);
            }
            else
            {
                submits[i].Completion.TrySetException((Exception)outcomes[i]!);
            }
        }
    }

    private async ValueTask<SubmitOutcome> SequenceOneAsync(Submission submission, BatchBuilder batch)
    {
        var clientId = submission.ClientId;
        var last = batch.Seqs.TryGetValue(clientId, out var inBatch) ? inBatch : _clientSeqs[clientId];
        if (submission.Seq <= last.Seq)
        {
            var first = submission.Seq == last.Seq ? last.V : await FindVersionOfAsync(clientId, submission.Seq);
            return new SubmitOutcome(first, Duplicate: true);
        }

        if (submission.Seq != last.Seq + 1)
        {
            throw new LiveSyncException(
                ErrorCodes.SequenceGap,
                $"seq {submission.Seq} skips ahead: this client's last seq on the document is {last.Seq}, so the next is {last.Seq + 1}");
        }

        var state = batch.State;
        if (submission.V > state.V)
        {
            throw new LiveSyncException(ErrorCodes.VersionAhead, $"v {submission.V} is above the document's version {state.V}");
        }

        var v = state.V + 1;
        var ts = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (submission.Create is { } create)
        {
            if (state.Type is not null)
            {
                throw new LiveSyncException(ErrorCodes.AlreadyExists, $"the document exists (type {state.Type.Name}, version {state.V})");
            }

            var type = ServerOtTypes.Find(create.Type)
                ?? throw new LiveSyncException(ErrorCodes.InvalidOp, $"unknown type '{create.Type}': this server supports text, json and opaque");
            var snapshot = type.CreateSnapshot(create.Data);
            CheckSize(type, snapshot);
            var payload = OpPayload.EncodeCreate(type.Name, create.Data);
            CheckOpSize(payload.Length);
            batch.Add(
                new StoredOp(v, clientId, submission.Seq, submission.V, ts, payload),
                new AppliedOp(v, OpKind.Create, type, null),
                new DocumentState(v, type, snapshot),
                wireOp: null);
            return new SubmitOutcome(v, Duplicate: false);
        }

        // An op or a delete targets the document as it was at submission.V: if it was deleted or re-created
        // since, the document it meant is gone.
        var missed = await CollectMissedAsync(submission.V, batch);
        foreach (var applied in missed)
        {
            if (applied.Kind != OpKind.Op)
            {
                throw new LiveSyncException(
                    ErrorCodes.NotFound,
                    $"the document was {(applied.Kind == OpKind.Delete ? "deleted" : "re-created")} at version {applied.V}, after version {submission.V}");
            }
        }

        var current = state.Type ?? throw new LiveSyncException(ErrorCodes.NotFound, "the document does not exist");
        if (submission.Del == true)
        {
            batch.Add(
                new StoredOp(v, clientId, submission.Seq, submission.V, ts, OpPayload.EncodeDelete()),
                new AppliedOp(v, OpKind.Delete, null, null),
                new DocumentState(v, null, null),
                wireOp: null);
            return new SubmitOutcome(v, Duplicate: false);
        }

        var op = current.ReadOp(submission.Op!.Value);
        foreach (var applied in missed)
        {
            op = current.Transform(op, applied.Op!, TransformSide.Left);
        }

        var next = current.Apply(state.Snapshot, op);
        CheckSize(current, next);
        var opJson = WriteOp(current, op);
        CheckOpSize(opJson.Length);

        // The op as broadcast, read from the same bytes as stored: one JSON write per op, and no second copy of it.
        var wireOp = JsonElement.Parse(opJson);
        batch.Add(
            new StoredOp(v, clientId, submission.Seq, submission.V, ts, OpPayload.EncodeOp(opJson)),
            new AppliedOp(v, OpKind.Op, current, op),
            new DocumentState(v, current, next),
            wireOp);
        return new SubmitOutcome(v, Duplicate: false);
    }

    /// <summary>The ops after <paramref name="baseV"/> up to the batch's head, from the batch, the recent ring or the store.</summary>
    private async ValueTask<List<AppliedOp>> CollectMissedAsync(long baseV, BatchBuilder batch)
    {
        var head = batch.State.V;
        if (baseV >= head)
        {
            return NoneMissed;
        }

        // Read by the caller before the next submission is sequenced, so one list serves them all.
        var missed = _missed;
        missed.Clear();
        for (var v = baseV + 1; v <= head; v++)
        {
            if (batch.TryGet(v, out var applied) || _recent.TryGet(v, out applied))
            {
                missed.Add(applied);
                continue;
            }

            // Older than the ring: read the rest of the committed range from the store.
            var to = batch.Committed.V;
            var ops = await _context.Store.ReadOpsAsync(_docId, v, to, (int)Math.Min(to - v + 1, int.MaxValue));
            if (ops.Count == 0 || ops[0].V != v || ops[^1].V != to)
            {
                throw new LiveSyncException(
                    ErrorCodes.HistoryUnavailable,
                    $"the ops after version {baseV} are no longer kept; reload the snapshot and resubmit");
            }

            foreach (var stored in ops)
            {
                missed.Add(ParseStored(stored, batch.Committed.Type));
            }

            v = to;
        }

        return missed;
    }

    private static AppliedOp ParseStored(StoredOp stored, IOtType? type)
    {
        var kind = OpPayload.KindOf(stored.Payload.Span);
        if (kind != OpKind.Op || type is null)
        {
            return new AppliedOp(stored.V, kind, null, null);
        }

        return new AppliedOp(stored.V, kind, type, type.ReadOp(OpPayload.ReadOp(stored.Payload)));
    }

    /// <summary>The version a client's older submission produced, found by reading the log backwards.</summary>
    private async ValueTask<long> FindVersionOfAsync(string clientId, long seq)
    {
        var high = _state!.V;
        const int maxScanned = 100_000;
        for (var scanned = 0; high >= 1 && scanned < maxScanned; scanned += HubNames.MaxFetch)
        {
            var low = Math.Max(1, high - HubNames.MaxFetch + 1);
            var ops = await _context.Store.ReadOpsAsync(_docId, low, high, HubNames.MaxFetch);
            for (var i = ops.Count - 1; i >= 0; i--)
            {
                if (ops[i].Seq == seq && string.Equals(ops[i].ClientId, clientId, StringComparison.Ordinal))
                {
                    return ops[i].V;
                }
            }

            if (ops.Count == 0 || ops[0].V != low)
            {
                break;
            }

            high = low - 1;
        }

        throw new LiveSyncException(ErrorCodes.HistoryUnavailable, $"seq {seq} of this client is older than the kept history");
    }

    private void Commit(BatchBuilder batch)
    {
        foreach (var applied in batch.Applied)
        {
            _recent.Add(applied);
        }

        foreach (var (clientId, seq) in batch.Seqs)
        {
            _clientSeqs[clientId] = seq;
        }

        _state = batch.State;
        _published = batch.State;
    }

    /// <summary>Starts broadcasting the batch's ops; the task never faults.</summary>
    private Task StartPublish(BatchBuilder batch)
    {
        try
        {
            var ops = new SequencedOp[batch.Ops.Count];
            for (var i = 0; i < ops.Length; i++)
            {
                var stored = batch.Ops[i];
                ops[i] = batch.WireOps[i] is { } op
                    ? new SequencedOp { V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts, Op = op }
                    : OpPayload.ToSequencedOp(stored);
            }

            var sent = _context.Broadcaster.PublishAsync(_docId, ops);
            return sent.IsCompletedSuccessfully ? Task.CompletedTask : FinishPublishAsync(sent, batch.State.V);
        }
        catch (Exception ex)
        {
            PublishFailed(batch.State.V, ex);
            return Task.CompletedTask;
        }
    }

    private async Task FinishPublishAsync(ValueTask sent, long v)
    {
        try
        {
            await sent;
        }
        catch (Exception ex)
        {
            PublishFailed(v, ex);
        }
    }

    // The ops are durable; subscribers that miss the broadcast fetch the gap from the log.
    private void PublishFailed(long v, Exception ex) => SequencerLog.PublishFailed(_context.Logger, _docId, v, ex);

    private async ValueTask MaybeSnapshotAsync(long previousV)
    {
        var state = _state!;
        var interval = SnapshotInterval(state);
        if (state.V / interval == previousV / interval)
        {
            return;
        }

        try
        {
            var data = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(data))
            {
                if (state.Type is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    state.Type.WriteSnapshot(writer, state.Snapshot);
                }
            }

            await _context.Store.WriteSnapshotAsync(_docId, new StoredSnapshot(state.V, state.Type?.Name, data.WrittenMemory.ToArray()));
        }
        catch (Exception ex)
        {
            // Snapshots only shorten loading; the log is the truth.
            SequencerLog.SnapshotFailed(_context.Logger, _docId, state.V, ex);
        }
    }

    /// <summary>
    /// Versions between snapshots: <see cref="LiveSyncOptions.SnapshotInterval"/>, doubled for each doubling of the
    /// document past <see cref="LargeDocumentSize"/> (in its type's size units, code points for text), so writing
    /// snapshots costs at most about that size per interval's worth of ops however large the document grows, where a
    /// fixed interval would copy a 4 MB document out every 100 ops. Loading replays at most that many more ops, each
    /// cheap. Powers of two keep the versions stable as a document grows: each larger interval's versions are some of
    /// the smaller one's.
    /// </summary>
    private long SnapshotInterval(DocumentState state)
    {
        long interval = _context.Options.SnapshotInterval;
        var multiple = state.Type is null ? 0 : state.Type.SnapshotSize(state.Snapshot) / LargeDocumentSize;
        return multiple < 2 ? interval : interval << (63 - BitOperations.LeadingZeroCount((ulong)multiple));
    }

    /// <summary>The op's wire JSON, in the loop's reused buffer: valid until the next call.</summary>
    private ReadOnlySpan<byte> WriteOp(IOtType type, object op)
    {
        _opJson.ResetWrittenCount();
        _opWriter.Reset(_opJson);
        type.WriteOp(_opWriter, op);
        _opWriter.Flush();
        return _opJson.WrittenSpan;
    }

    private void CheckSize(IOtType type, object? snapshot)
    {
        if (!type.SnapshotFits(snapshot, _context.Options.MaxDocumentSize))
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"the document would be over its limit of {_context.Options.MaxDocumentSize}");
        }
    }

    private void CheckOpSize(int bytes)
    {
        if (bytes > _context.Options.MaxOpBytes)
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"the op is {bytes} bytes, over the limit of {_context.Options.MaxOpBytes}");
        }
    }
}
