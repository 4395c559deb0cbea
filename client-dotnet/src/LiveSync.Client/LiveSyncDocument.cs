using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client;

/// <summary>
/// One document kept in sync with the server. Local changes apply at once (optimistically) and go to the server
/// one at a time; later ones wait in a queue, composed into one where the type allows. Remote ops are applied
/// strictly in version order, and each is transformed past this client's unconfirmed changes as the contract
/// says. Get one from <see cref="LiveSyncClient.OpenAsync"/>; every member is safe to call from any thread, and
/// events are raised one at a time, in the order of the changes.
/// </summary>
public sealed partial class LiveSyncDocument
{
    private readonly object _gate = new();
    private readonly ISyncHub _hub;
    private readonly TimeSpan _confirmTimeout;
    private readonly ILogger _logger;
    private readonly List<LocalChange> _pending = [];
    private readonly SortedDictionary<long, SequencedOp> _ahead = [];
    private readonly Queue<Action> _events = new();
    private readonly List<(long Version, TaskCompletionSource Done)> _versionWaiters = [];
    private readonly List<TaskCompletionSource> _settledWaiters = [];
    private Dictionary<string, JsonElement> _presence = new(StringComparer.Ordinal);
    private long _version;
    private string? _type;
    private IOtType? _ot;
    private object? _snapshot;
    private JsonElement? _rawData;
    private LocalChange? _inflight;
    private (LocalChange Change, long Version, int Epoch)? _awaitedConfirm;
    private Timer? _confirmTimer;
    private long _lastSeq;
    private bool _open;
    private bool _loaded;
    private bool _loading;
    private bool _fetching;
    private long _knownVersion;
    private int _epoch;
    private bool _dispatching;
    private JsonElement? _ownPresence;
    private Task? _opening;

    internal LiveSyncDocument(string id, ISyncHub hub, TimeSpan confirmTimeout, ILogger logger)
    {
        Id = id;
        _hub = hub;
        _confirmTimeout = confirmTimeout;
        _logger = logger;
    }

    /// <summary>Raised after the local content changed: a local change, a remote op or a reload.</summary>
    public event EventHandler<DocumentChangedEventArgs>? Changed;

    /// <summary>Raised when another client's presence on this document changed or it left.</summary>
    public event EventHandler<PresenceChangedEventArgs>? PresenceChanged;

    /// <summary>
    /// Raised for errors no caller awaits: a change the server rejected (the document then reloads the server's
    /// snapshot, dropping every unconfirmed change), or a background fetch or resync that failed.
    /// </summary>
    public event EventHandler<LiveSyncErrorEventArgs>? Error;

    /// <summary>The document id.</summary>
    public string Id { get; }

    /// <summary>The last version confirmed by the server that this document has applied (0: never created).</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>The type's name (<c>text</c>, <c>json</c>, <c>opaque</c>), or null when the document does not exist; includes unconfirmed local creates and deletes.</summary>
    public string? Type
    {
        get
        {
            lock (_gate)
            {
                return _type;
            }
        }
    }

    /// <summary>True when the document exists (locally: an unconfirmed create counts).</summary>
    public bool Exists => Type is not null;

    /// <summary>The content of a <c>text</c> document, unconfirmed local changes included; null for other types.</summary>
    public string? Text
    {
        get
        {
            lock (_gate)
            {
                return _type == OtTypes.Text.Name ? _snapshot as string : null;
            }
        }
    }

    /// <summary>
    /// The content as JSON, unconfirmed local changes included; null when the document does not exist. For a type
    /// this build cannot apply, the snapshot as last loaded (ops are tracked but not applied).
    /// </summary>
    public JsonElement? Data
    {
        get
        {
            lock (_gate)
            {
                if (_type is null)
                {
                    return null;
                }

                if (_ot is null)
                {
                    return _rawData;
                }

                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    _ot.WriteSnapshot(writer, _snapshot);
                }

                return JsonElement.Parse(buffer.WrittenSpan);
            }
        }
    }

    /// <summary>The other clients' presence on this document, by client id: a copy.</summary>
    public IReadOnlyDictionary<string, JsonElement> Presence
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, JsonElement>(_presence, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>True while a local change is in flight or queued.</summary>
    public bool HasUnconfirmedChanges
    {
        get
        {
            lock (_gate)
            {
                return !IsSettled;
            }
        }
    }

    /// <summary>True while the document is open (subscribed, and re-opened after every reconnect).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    private bool IsSettled => _inflight is null && _pending.Count == 0;

    /// <summary>
    /// Applies <paramref name="op"/> (in the type's wire format) locally at once and sends it. The returned task
    /// completes with the version the server gave it (or the op it was composed into) once confirmed, and fails
    /// with <see cref="LiveSyncException"/> when the server rejects it (the document has then reloaded).
    /// </summary>
    /// <exception cref="LiveSyncException"><c>not_found</c> when the document does not exist; <c>invalid_op</c> when the op does not apply (nothing changes).</exception>
    public Task<long> SubmitAsync(JsonElement op) => Enqueue(ot => ot is null ? op.Clone() : ot.ReadOp(op));

    /// <summary>Applies a <c>text</c> op locally at once and sends it; see <see cref="SubmitAsync(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException"><c>not_found</c> when the document does not exist; <c>invalid_op</c> when it is not text or the op does not apply.</exception>
    public Task<long> SubmitAsync(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return Enqueue(ot => ot == OtTypes.Text ? op : throw new LiveSyncException(ErrorCodes.InvalidOp, "a text op on a document that is not text"));
    }

    /// <summary>Inserts <paramref name="text"/> at code point <paramref name="position"/> of a <c>text</c> document; see <see cref="SubmitAsync(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException"><c>invalid_op</c> when the position is past the end or the document is not text.</exception>
    public Task<long> InsertAsync(int position, string text) => SubmitAsync(TextOp.Insert(position, text));

    /// <summary>Removes <paramref name="count"/> code points at code point <paramref name="position"/> of a <c>text</c> document; see <see cref="SubmitAsync(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException"><c>invalid_op</c> when the range passes the end or the document is not text.</exception>
    public Task<long> RemoveAsync(int position, int count) => SubmitAsync(TextOp.Delete(position, count));

    /// <summary>
    /// Creates the document with <paramref name="type"/> and optional initial <paramref name="data"/>, locally at
    /// once; the task completes with version of the create once confirmed.
    /// </summary>
    /// <exception cref="LiveSyncException"><c>already_exists</c> when the document exists; <c>invalid_op</c> for bad data.</exception>
    public Task<long> CreateAsync(string type, JsonElement? data = null) => CreateCoreAsync(type, data, ignoreAlreadyExists: false);

    /// <summary>Deletes the document, locally at once; the task completes with the version of the delete once confirmed.</summary>
    /// <exception cref="LiveSyncException"><c>not_found</c> when the document does not exist.</exception>
    public Task<long> DeleteAsync()
    {
        var waiter = NewWaiter();
        lock (_gate)
        {
            if (_type is null)
            {
                throw new LiveSyncException(ErrorCodes.NotFound, $"document '{Id}' does not exist");
            }

            (_type, _ot, _snapshot, _rawData) = (null, null, null, null);
            AddLocal(new LocalChange { Delete = true }, waiter, new DocumentChangedEventArgs(_version, true, _hub.ClientId, null, null, deleted: true, isReload: false));
        }

        DispatchEvents();
        return waiter.Task;
    }

    /// <summary>
    /// Sets this client's presence on the document (any JSON value, e.g. a cursor), or clears it with null. It is
    /// sent again after every reconnect.
    /// </summary>
    /// <exception cref="LiveSyncException">The server refused it.</exception>
    public async Task SetPresenceAsync(JsonElement? presence, CancellationToken cancellationToken = default)
    {
        presence = presence?.Clone();
        lock (_gate)
        {
            _ownPresence = presence;
        }

        await _hub.SetPresenceAsync(Id, presence, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when <see cref="Version"/> reaches <paramref name="version"/>.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    public Task WaitForVersionAsync(long version, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_version >= version)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _versionWaiters.Add((version, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Completes when no local change is in flight or queued (every one confirmed or rejected).</summary>
    public Task WhenSettledAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (IsSettled)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _settledWaiters.Add(done);
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Stops syncing the document: unsubscribes and stops sending. Unconfirmed changes stay queued and are sent
    /// if the document is opened again.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            _opening = null;
            _epoch++;
            _awaitedConfirm = null;
            _confirmTimer?.Change(Timeout.Infinite, Timeout.Infinite);
            _loading = false;
            _fetching = false;
            _ahead.Clear();
        }

        if (_hub.IsConnected)
        {
            await _hub.CloseAsync(Id, cancellationToken).ConfigureAwait(false);
        }
    }

    internal Task<long> CreateCoreAsync(string type, JsonElement? data, bool ignoreAlreadyExists)
    {
        ArgumentNullException.ThrowIfNull(type);
        var waiter = NewWaiter();
        lock (_gate)
        {
            if (_type is not null)
            {
                throw new LiveSyncException(ErrorCodes.AlreadyExists, $"document '{Id}' already exists");
            }

            var ot = OtTypes.Find(type);
            var snapshot = ot?.CreateSnapshot(data);
            var create = new CreateSpec(type, data?.Clone());
            (_type, _ot, _snapshot, _rawData) = (type, ot, snapshot, data?.Clone());
            AddLocal(
                new LocalChange { Create = create, IgnoreAlreadyExists = ignoreAlreadyExists },
                waiter,
                new DocumentChangedEventArgs(_version, true, _hub.ClientId, null, create, deleted: false, isReload: false));
        }

        DispatchEvents();
        return waiter.Task;
    }

    private static TaskCompletionSource<long> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<long> Enqueue(Func<IOtType?, object> read)
    {
        var waiter = NewWaiter();
        lock (_gate)
        {
            if (_type is null)
            {
                throw new LiveSyncException(ErrorCodes.NotFound, $"document '{Id}' does not exist; create it first");
            }

            // Read and apply before any state changes: an invalid op leaves everything as it was.
            var op = read(_ot);
            if (_ot is not null)
            {
                _snapshot = _ot.Apply(_snapshot, op);
            }

            var change = new LocalChange { Op = op };
            var args = new DocumentChangedEventArgs(_version, true, _hub.ClientId, ToJson(op), null, deleted: false, isReload: false);
            if (_pending.Count > 0 && _pending[^1].IsOp && _ot is { CanCompose: true })
            {
                // Not yet sent, so it can still grow: one submission instead of two.
                var last = _pending[^1];
                last.Op = _ot.Compose(last.Op!, op);
                last.Waiters.Add(waiter);
                RaiseChanged(args);
            }
            else
            {
                AddLocal(change, waiter, args);
            }
        }

        DispatchEvents();
        return waiter.Task;
    }

    private void AddLocal(LocalChange change, TaskCompletionSource<long> waiter, DocumentChangedEventArgs args)
    {
        change.Waiters.Add(waiter);
        _pending.Add(change);
        RaiseChanged(args);
        TrySend();
    }

    private JsonElement? ToJson(object? op)
    {
        switch (op)
        {
            case null:
                return null;
            case JsonElement raw:
                return raw;
            default:
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    _ot!.WriteOp(writer, op);
                }

                return JsonElement.Parse(buffer.WrittenSpan);
        }
    }

    private void RaiseChanged(DocumentChangedEventArgs args) => _events.Enqueue(() => Changed?.Invoke(this, args));

    private void RaiseError(Exception error) => _events.Enqueue(() => Error?.Invoke(this, new LiveSyncErrorEventArgs(error)));

    /// <summary>Raises queued events outside the lock, one at a time and in order, on whichever thread gets here first.</summary>
    private void DispatchEvents()
    {
        lock (_gate)
        {
            if (_dispatching)
            {
                return;
            }

            _dispatching = true;
        }

        while (true)
        {
            Action next;
            lock (_gate)
            {
                if (!_events.TryDequeue(out next!))
                {
                    _dispatching = false;
                    return;
                }
            }

            try
            {
                next();
            }
            catch (Exception ex)
            {
                ClientLog.HandlerFailed(_logger, Id, ex);
            }
        }
    }

    private void NotifyWaiters()
    {
        for (var i = _versionWaiters.Count - 1; i >= 0; i--)
        {
            if (_versionWaiters[i].Version <= _version)
            {
                _versionWaiters[i].Done.TrySetResult();
                _versionWaiters.RemoveAt(i);
            }
        }

        if (IsSettled)
        {
            foreach (var waiter in _settledWaiters)
            {
                waiter.TrySetResult();
            }

            _settledWaiters.Clear();
        }
    }
}
