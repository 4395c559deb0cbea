using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;
using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Client;

/// <summary>
/// The sync machinery: the ordered op stream, rebasing, sending, gap fetches and (re)loads. Every method here
/// that has no <c>Async</c> suffix runs under <see cref="_gate"/>; the async ones take it for each step and never
/// hold it across an await. <see cref="_epoch"/> counts loads and disconnects, so a late reply to a call made
/// before one is recognized and ignored.
/// </summary>
public sealed partial class LiveSyncDocument
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    // The changes dropped by a rejection, failed with _rollbackError once the reload is done.
    private readonly List<LocalChange> _rolledBack = [];
    private Exception? _rollbackError;

    private enum LoadMode
    {
        /// <summary>Open: from a snapshot the first time, catching up from <see cref="_version"/> after a close.</summary>
        Open,

        /// <summary>After a reconnect: catch up from <see cref="_version"/> (the server may answer with a snapshot).</summary>
        Resync,

        /// <summary>Throw the local state away and load the server's snapshot.</summary>
        Reload,
    }

    /// <summary>Opens (subscribes) and loads the document; a second call while open waits for the first.</summary>
    internal Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_open)
            {
                return _opening!.WaitAsync(cancellationToken);
            }

            _open = true;
            var (epoch, since) = BeginLoad(LoadMode.Open, null);
            _opening = Task.Run(() => OpenFirstAsync(epoch, since));
            return _opening.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A sequenced op from the hub's <c>op</c> message.</summary>
    internal void Receive(SequencedOp op)
    {
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            if (_loading)
            {
                // Open (or a reload) is in flight and the version is not known yet: keep it for after.
                _ahead.TryAdd(op.V, op);
                return;
            }

            ReceiveOrdered(op);
        }

        DispatchEvents();
    }

    /// <summary>Another client's presence from the hub's <c>presence</c> message.</summary>
    internal void ReceivePresence(string clientId, JsonElement? presence)
    {
        lock (_gate)
        {
            if (!_open || clientId == _hub.ClientId)
            {
                return;
            }

            UpdatePresence(clientId, presence?.Clone());
        }

        DispatchEvents();
    }

    /// <summary>The connection is gone: stop sending and fetching until <see cref="Resync"/>.</summary>
    internal void OnDisconnected()
    {
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _epoch++;
            _loading = true;
            _fetching = false;
        }
    }

    /// <summary>The connection is back: re-open from the current version and resubmit the change in flight.</summary>
    internal void Resync()
    {
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            var (epoch, since) = BeginLoad(LoadMode.Resync, null);
            Observe(Task.Run(() => LoadAsync(epoch, since)));
        }
    }

    private async Task OpenFirstAsync(int epoch, long? since)
    {
        try
        {
            await LoadAsync(epoch, since).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (!_loaded)
                {
                    // Never opened: not open, so a reconnect does not try again behind the caller's back.
                    _open = false;
                    _opening = null;
                    _loading = false;
                    _epoch++;
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Starts a load: bumps the epoch so replies to older calls are ignored, and buffers the op stream until the
    /// load is done. A rejected change in flight is dropped here with every change queued behind it, since they
    /// were made on top of it; their callers are failed once the reload is done.
    /// </summary>
    private (int Epoch, long? Since) BeginLoad(LoadMode mode, LocalChange? rejected)
    {
        _epoch++;
        _loading = true;
        _fetching = false;
        if (rejected is not null && _inflight == rejected)
        {
            // The server stored nothing for a rejected seq, so the next submission takes it: skipping it would
            // be a sequence_gap. Safe because only this one was in flight.
            _lastSeq = rejected.Submission!.Seq - 1;
            _inflight = null;
            _rolledBack.Add(rejected);
            _rolledBack.AddRange(_pending);
            _pending.Clear();
        }

        var since = mode == LoadMode.Reload || !_loaded ? (long?)null : _version;
        return (_epoch, since);
    }

    private async Task LoadAsync(int epoch, long? since)
    {
        var result = await _hub.OpenAsync(Id, since, CancellationToken.None).ConfigureAwait(false);
        if (since is not null && result.Ops is { } ops)
        {
            lock (_gate)
            {
                if (epoch != _epoch)
                {
                    return;
                }

                _loading = false;
                var from = _version;
                foreach (var op in ops)
                {
                    ReceiveOrdered(op);
                }

                ReplacePresence(result.Presence);
                ClientLog.CaughtUp(_logger, Id, from, _version);
                FinishLoad();
            }

            DispatchEvents();
            return;
        }

        // A snapshot: the history after our version is gone (or this is a first open or a reload).
        LocalChange? inflight;
        lock (_gate)
        {
            if (epoch != _epoch)
            {
                return;
            }

            inflight = _inflight;
        }

        long? inflightVersion = null;
        LiveSyncException? inflightError = null;
        if (inflight is not null)
        {
            // Whether the change in flight made it is unknown: send it again (the server recognizes its seq), then
            // make sure the snapshot includes it, so it is neither lost nor applied twice.
            ClientLog.Resubmitting(_logger, Id, inflight.Submission!.Seq);
            try
            {
                inflightVersion = (await _hub.SubmitAsync(Id, inflight.Submission, CancellationToken.None).ConfigureAwait(false)).V;
            }
            catch (LiveSyncException ex)
            {
                inflightError = ex;
            }

            if (inflightVersion > result.V)
            {
                result = await _hub.OpenAsync(Id, null, CancellationToken.None).ConfigureAwait(false);
            }
        }

        lock (_gate)
        {
            if (epoch != _epoch)
            {
                return;
            }

            var reload = _loaded;
            _version = result.V;
            _type = result.Type;
            _ot = OtTypes.Find(result.Type);
            _rawData = result.Data?.Clone();
            _snapshot = result.Type is null ? null : _ot?.ReadSnapshot(result.Data ?? default);
            _loaded = true;
            _loading = false;
            ClientLog.LoadedSnapshot(_logger, Id, _version);

            if (inflight is not null && _inflight == inflight)
            {
                _inflight = null;
                if (inflightError is not null)
                {
                    inflight.Fail(inflightError);
                    RaiseError(inflightError);
                }
                else
                {
                    inflight.Complete(inflightVersion!.Value);
                }
            }

            if (_pending.Count > 0)
            {
                // Made on top of a state the new snapshot does not contain: they cannot be rebased onto it.
                var error = new LiveSyncException(ErrorCodes.HistoryUnavailable, "the document reloaded its snapshot; unsent changes were dropped");
                foreach (var change in _pending)
                {
                    change.Fail(error);
                }

                _pending.Clear();
                RaiseError(error);
            }

            if (reload)
            {
                RaiseChanged(new DocumentChangedEventArgs(_version, false, _hub.ClientId, null, null, deleted: false, isReload: true));
            }

            ReplacePresence(result.Presence);
            FinishLoad();
        }

        DispatchEvents();
    }

    /// <summary>After a load: apply what the stream buffered, resume sending, fail the rolled-back changes, resend presence.</summary>
    private void FinishLoad()
    {
        DrainAhead();
        if (_loading)
        {
            return;
        }

        if (_rolledBack.Count > 0)
        {
            var error = _rollbackError!;
            foreach (var change in _rolledBack)
            {
                change.Fail(error);
            }

            _rolledBack.Clear();
            _rollbackError = null;
        }

        if (_inflight is not null)
        {
            ClientLog.Resubmitting(_logger, Id, _inflight.Submission!.Seq);
            StartSubmit(_inflight);
        }
        else
        {
            TrySend();
        }

        EnsureFetch();
        NotifyWaiters();

        if (_ownPresence is { } presence)
        {
            // The server forgot it with the old connection.
            Observe(Task.Run(() => _hub.SetPresenceAsync(Id, presence, CancellationToken.None)));
        }
    }

    /// <summary>Applies <paramref name="op"/> if it is next, drops it if old, buffers it and fetches the gap if ahead.</summary>
    private void ReceiveOrdered(SequencedOp op)
    {
        if (op.V <= _version)
        {
            return;
        }

        if (op.V > _version + 1)
        {
            _ahead.TryAdd(op.V, op);
            EnsureFetch();
            return;
        }

        ApplySequenced(op);
        DrainAhead();
    }

    private void DrainAhead()
    {
        while (!_loading && _ahead.Count > 0)
        {
            var (v, op) = _ahead.First();
            if (v > _version + 1)
            {
                EnsureFetch();
                return;
            }

            _ahead.Remove(v);
            if (v == _version + 1)
            {
                ApplySequenced(op);
            }
        }
    }

    private void ApplySequenced(SequencedOp op)
    {
        if (_inflight is { } mine && op.ClientId == _hub.ClientId && op.Seq == mine.Submission!.Seq)
        {
            // Our own change, already applied locally: it only moves the version.
            _version = op.V;
            _inflight = null;
            mine.Complete(op.V);
            TrySend();
            NotifyWaiters();
            return;
        }

        try
        {
            ApplyRemote(op);
        }
        catch (Exception ex) when (ex is LiveSyncException or InvalidCastException)
        {
            // The local state cannot take an op the server accepted: it is wrong, so start again from the server's.
            ClientLog.Reloading(_logger, Id, "a remote op did not apply");
            RaiseError(ex);
            var (epoch, since) = BeginLoad(LoadMode.Reload, null);
            Observe(Task.Run(() => LoadAsync(epoch, since)));
            return;
        }

        NotifyWaiters();
    }

    /// <summary>
    /// Applies another client's op R: each unconfirmed change P (in flight first, then the queue) becomes
    /// transform(P, R, left) and R becomes transform(R, P, right) before it meets the next one, so R ends up
    /// applying on top of every local change.
    /// </summary>
    private void ApplyRemote(SequencedOp op)
    {
        JsonElement? localOp = null;
        if (op.Create is { } create)
        {
            _type = create.Type;
            _ot = OtTypes.Find(create.Type);
            _snapshot = _ot?.CreateSnapshot(create.Data);
            _rawData = create.Data;
        }
        else if (op.Del == true)
        {
            (_type, _ot, _snapshot, _rawData) = (null, null, null, null);
        }
        else if (op.Op is { } raw)
        {
            if (_ot is null || _type is null)
            {
                // A type this build cannot apply, or a document deleted locally: only the version moves.
                localOp = raw;
            }
            else
            {
                var remote = _ot.ReadOp(raw);
                var changes = _inflight is null ? _pending : _pending.Prepend(_inflight);
                var rebased = new List<(LocalChange Change, object Op)>();
                foreach (var change in changes)
                {
                    if (!change.IsOp)
                    {
                        continue;
                    }

                    var local = change.Op!;
                    rebased.Add((change, _ot.Transform(local, remote, TransformSide.Left)));
                    remote = _ot.Transform(remote, local, TransformSide.Right);
                }

                var snapshot = _ot.Apply(_snapshot, remote);

                // Commit only when everything succeeded, so a failure leaves the state as it was.
                foreach (var (change, rebasedOp) in rebased)
                {
                    change.Op = rebasedOp;
                }

                _snapshot = snapshot;
                localOp = ToJson(remote);
            }
        }

        _version = op.V;
        RaiseChanged(new DocumentChangedEventArgs(op.V, false, op.ClientId, localOp, op.Create, op.Del == true, isReload: false));
    }

    /// <summary>Sends the next queued change when nothing is in flight.</summary>
    private void TrySend()
    {
        if (_inflight is not null || _pending.Count == 0 || !_open || _loading || !_hub.IsConnected)
        {
            NotifyWaiters();
            return;
        }

        var next = _pending[0];
        _pending.RemoveAt(0);
        next.Submission = new Submission
        {
            ClientId = _hub.ClientId,
            Seq = ++_lastSeq,
            V = _version,
            Op = next.IsOp ? ToJson(next.Op) : null,
            Create = next.Create,
            Del = next.Delete ? true : null,
        };
        _inflight = next;
        StartSubmit(next);
    }

    private void StartSubmit(LocalChange change)
    {
        var epoch = _epoch;
        _ = Task.Run(() => SubmitAsync(change, epoch));
    }

    private async Task SubmitAsync(LocalChange change, int epoch)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            lock (_gate)
            {
                if (_inflight != change || epoch != _epoch)
                {
                    return;
                }
            }

            try
            {
                var result = await _hub.SubmitAsync(Id, change.Submission!, CancellationToken.None).ConfigureAwait(false);
                OnSubmitted(change, result.V, epoch);
                return;
            }
            catch (LiveSyncException ex) when (ex.Code is ErrorCodes.Unavailable or ErrorCodes.RateLimited)
            {
                // Nothing was stored: the same submission goes again after a pause.
            }
            catch (Exception ex) when (ex is LiveSyncException or HubException)
            {
                OnRejected(change, ex, epoch);
                return;
            }
            catch (Exception) when (!_hub.IsConnected)
            {
                // The connection broke; the resync after the reconnect resubmits it.
                return;
            }
            catch (Exception ex)
            {
                // Its fate is unknown but resubmitting is safe: the server recognizes (client id, seq).
                ClientLog.BackgroundFailed(_logger, Id, ex);
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    /// <summary>
    /// The server numbered our change <paramref name="version"/>. The op stream confirms it, in order; if the
    /// stream has not got there after <see cref="_confirmTimeout"/> (a dropped broadcast), fetch up to it. One
    /// timer per document, re-armed for each change (one is in flight at a time), not one per change.
    /// </summary>
    private void OnSubmitted(LocalChange change, long version, int epoch)
    {
        lock (_gate)
        {
            if (_inflight != change || epoch != _epoch)
            {
                return;
            }

            _knownVersion = Math.Max(_knownVersion, version);
            _awaitedConfirm = (change, version, epoch);
            _confirmTimer ??= new Timer(static state => ((LiveSyncDocument)state!).OnConfirmOverdue(), this, Timeout.Infinite, Timeout.Infinite);
            _confirmTimer.Change(_confirmTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnConfirmOverdue()
    {
        lock (_gate)
        {
            if (_awaitedConfirm is var (change, version, epoch) && _inflight == change && epoch == _epoch && _version < version)
            {
                EnsureFetch();
            }
        }

        DispatchEvents();
    }

    private void OnRejected(LocalChange change, Exception error, int epoch)
    {
        lock (_gate)
        {
            if (_inflight != change || epoch != _epoch)
            {
                return;
            }

            var code = (error as LiveSyncException)?.Code ?? "server_error";
            ClientLog.Rejected(_logger, Id, change.Submission!.Seq, code);
            if (!(change.IgnoreAlreadyExists && code == ErrorCodes.AlreadyExists))
            {
                RaiseError(error);
            }

            _rollbackError = error;
            var (newEpoch, since) = BeginLoad(LoadMode.Reload, change);
            Observe(Task.Run(() => LoadAsync(newEpoch, since)));
        }

        DispatchEvents();
    }

    /// <summary>The version the gap fetch should reach: just below the first buffered op, or the highest version the server has told of.</summary>
    private long FetchTarget() => _ahead.Count > 0 ? _ahead.Keys.First() - 1 : _knownVersion;

    private void EnsureFetch()
    {
        if (_fetching || _loading || !_open || FetchTarget() <= _version)
        {
            return;
        }

        _fetching = true;
        var epoch = _epoch;
        _ = Task.Run(() => FetchAsync(epoch));
    }

    /// <summary>Fetches the missing ops, a page (at most <see cref="HubNames.MaxFetch"/>) at a time, until the gap is closed.</summary>
    private async Task FetchAsync(int epoch)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            long from, to;
            lock (_gate)
            {
                if (epoch != _epoch)
                {
                    return;
                }

                to = FetchTarget();
                if (to <= _version || !_open)
                {
                    _fetching = false;
                    return;
                }

                from = _version + 1;
            }

            ClientLog.FetchingGap(_logger, Id, from, to);
            IReadOnlyList<SequencedOp> ops;
            try
            {
                ops = await _hub.FetchAsync(Id, from, to, CancellationToken.None).ConfigureAwait(false);
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.HistoryUnavailable)
            {
                lock (_gate)
                {
                    if (epoch == _epoch)
                    {
                        ClientLog.Reloading(_logger, Id, ex.Code);
                        var (newEpoch, since) = BeginLoad(LoadMode.Reload, null);
                        Observe(Task.Run(() => LoadAsync(newEpoch, since)));
                    }
                }

                return;
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    if (epoch != _epoch)
                    {
                        return;
                    }

                    if (!_hub.IsConnected)
                    {
                        // The resync after the reconnect catches up instead.
                        _fetching = false;
                        return;
                    }

                    ClientLog.BackgroundFailed(_logger, Id, ex);
                    RaiseError(ex);
                }

                DispatchEvents();
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }

            lock (_gate)
            {
                if (epoch != _epoch)
                {
                    return;
                }

                if (ops.Count == 0)
                {
                    // Nothing there yet; the stream or the next signal starts another fetch.
                    _fetching = false;
                    return;
                }

                foreach (var op in ops)
                {
                    ReceiveOrdered(op);
                }
            }

            DispatchEvents();
        }
    }

    private void ReplacePresence(IReadOnlyDictionary<string, JsonElement>? presence)
    {
        var fresh = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (clientId, value) in presence ?? new Dictionary<string, JsonElement>())
        {
            if (clientId != _hub.ClientId && value.ValueKind != JsonValueKind.Null)
            {
                fresh[clientId] = value.Clone();
            }
        }

        foreach (var clientId in _presence.Keys.Except(fresh.Keys).ToList())
        {
            UpdatePresence(clientId, null);
        }

        foreach (var (clientId, value) in fresh)
        {
            UpdatePresence(clientId, value);
        }
    }

    private void UpdatePresence(string clientId, JsonElement? presence)
    {
        if (presence is { ValueKind: not JsonValueKind.Null } value)
        {
            if (_presence.TryGetValue(clientId, out var old) && JsonElement.DeepEquals(old, value))
            {
                return;
            }

            _presence[clientId] = value;
        }
        else if (!_presence.Remove(clientId))
        {
            return;
        }

        var args = new PresenceChangedEventArgs(clientId, presence);
        _events.Enqueue(() => PresenceChanged?.Invoke(this, args));
    }

    /// <summary>Runs background work, turning its failure into an <see cref="Error"/> event.</summary>
    private void Observe(Task task) => _ = ObserveAsync(task);

    private async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (!_hub.IsConnected && ex is not LiveSyncException)
            {
                // A broken connection: the resync after the reconnect takes over.
                return;
            }

            ClientLog.BackgroundFailed(_logger, Id, ex);
            lock (_gate)
            {
                RaiseError(ex);
            }

            DispatchEvents();
        }
    }
}
