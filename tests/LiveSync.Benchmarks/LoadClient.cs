using System.Diagnostics;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Benchmarks;

/// <summary>
/// One active client of the workload on a raw hub connection: it keeps its own copy of one text document and
/// loops "insert an 8-character token at a uniform position" with exactly one op in flight, rebasing that op over
/// remote ops as the contract says (P' = transform(P, R, left), R' = transform(R, P, right)).
/// </summary>
/// <remarks>
/// The next op is submitted once the previous one is both acknowledged (Submit returned) and seen in the op stream,
/// so the copy never holds more than one unconfirmed op. All state is guarded by one lock: op messages arrive on
/// the connection's receive loop, Submit results on the thread pool.
/// </remarks>
internal sealed class LoadClient : IBenchClient
{
    private const int CapLength = 4096;
    private const int TokenLength = 8;
    private const int MaxAttempts = 20;
    private const int MaxCatchUp = 4;

    private readonly object _lock = new();
    private readonly HubConnection _connection;
    private readonly LoadState _state;
    private readonly int _index;
    private readonly bool _capped;
    private readonly Random _random;
    private readonly SortedDictionary<long, JsonElement> _ahead = new();
    private readonly List<double> _ackLatencies = [];
    private readonly List<double> _seenLatencies = [];

    private TextCopy _text = new("");
    private long _v;
    private long _seq;
    private int _opNumber;
    private TextOp? _inflight;
    private bool _acked;
    private bool _seen;
    private bool _fetching;
    private bool _idle = true;
    private long _nextDue;
    private long _ackedAt;

    private LoadClient(HubConnection connection, LoadState state, int index, string docId, bool capped)
    {
        _connection = connection;
        _state = state;
        _index = index;
        _capped = capped;
        _random = new Random(index);
        DocId = docId;
        ClientId = $"bench-{index:D5}";
    }

    public string DocId { get; }

    public string ClientId { get; }

    public long AckedInWindow { get; private set; }

    public int Errors { get; private set; }

    /// <summary>Submissions the server answered "unavailable" (retryable) and that were resubmitted.</summary>
    public int Retries { get; private set; }

    public static HubConnection BuildConnection(Uri baseUri, string clientId, bool messagePack)
    {
        var url = new Uri(baseUri, $"{HubNames.Path}?{HubNames.ClientIdQuery}={clientId}");
        var builder = new HubConnectionBuilder();
        if (messagePack)
        {
            builder.AddLiveSyncMessagePackProtocol();
        }

        return builder.WithLiveSyncWebSockets(url).Build();
    }

    /// <summary>Connects and opens the document; the copy starts at the snapshot the server returns.</summary>
    public static async Task<LoadClient> ConnectAsync(Uri baseUri, int index, string docId, bool capped, bool messagePack, LoadState state)
    {
        var connection = BuildConnection(baseUri, $"bench-{index:D5}", messagePack);
        var client = new LoadClient(connection, state, index, docId, capped);
        connection.On<string, JsonElement>(HubNames.OpMessage, client.OnOp);
        await connection.StartAsync();
        var opened = await connection.InvokeAsync<JsonElement>(HubNames.Open, docId, null);
        lock (client._lock)
        {
            client._v = opened.GetProperty("v").GetInt64();
            client._text = new TextCopy(opened.GetProperty("data").GetString() ?? "");
        }

        return client;
    }

    /// <summary>Submits the first op; each acknowledgement submits the next until the run stops.</summary>
    public void Start()
    {
        lock (_lock)
        {
            // Paced clients start spread over one interval rather than all at once.
            _nextDue = Stopwatch.GetTimestamp() + (_state.PaceTicks > 0 ? _random.NextInt64(_state.PaceTicks) : 0);
        }

        ScheduleNext();
    }

    /// <summary>The copy: its version, its text, and whether it has nothing in flight.</summary>
    public (long V, string Text, bool Idle) Copy()
    {
        lock (_lock)
        {
            return (_v, _text.ToString(), _idle);
        }
    }

    /// <summary>Moves the samples taken while measuring into the run's lists.</summary>
    public void CollectInto(List<double> ackLatencies, List<double> seenLatencies)
    {
        lock (_lock)
        {
            ackLatencies.AddRange(_ackLatencies);
            seenLatencies.AddRange(_seenLatencies);
        }
    }

    /// <summary>Fetches every op after the copy's version: for a broadcast that never came.</summary>
    public async Task CatchUpAsync()
    {
        long from;
        lock (_lock)
        {
            if (_fetching)
            {
                return;
            }

            _fetching = true;
            from = _v + 1;
        }

        try
        {
            while (true)
            {
                var ops = await _connection.InvokeAsync<JsonElement>(HubNames.Fetch, DocId, from, null);
                foreach (var op in ops.EnumerateArray())
                {
                    OnOp(DocId, op);
                    from = op.GetProperty("v").GetInt64() + 1;
                }

                if (ops.GetArrayLength() < HubNames.MaxFetch)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            lock (_lock)
            {
                _fetching = false;
            }
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>
    /// Unpaced, submits at once. Paced, submits when this client's turn comes: turns are one interval apart, and a
    /// client that fell behind (a slow acknowledgement) submits on each acknowledgement until it is back on schedule,
    /// making up at most <see cref="MaxCatchUp"/> turns, so a stall does not turn into a long burst.
    /// </summary>
    private void ScheduleNext()
    {
        var pace = _state.PaceTicks;
        if (pace == 0)
        {
            SubmitNext();
            return;
        }

        long due;
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            due = Math.Max(_nextDue, now - (MaxCatchUp * pace));
            _nextDue = due + pace;
        }

        // A timer waits at least about a millisecond, so a shorter wait is not taken: the turns stay on their
        // schedule, and the next wait is that much longer.
        if (due - now < Stopwatch.Frequency / 1000)
        {
            SubmitNext();
        }
        else
        {
            _ = SubmitAtAsync(Stopwatch.GetElapsedTime(now, due));
        }
    }

    private async Task SubmitAtAsync(TimeSpan wait)
    {
        await Task.Delay(wait);
        SubmitNext();
    }

    private void SubmitNext()
    {
        Submission submission;
        string token;
        long submitted;
        lock (_lock)
        {
            if (_state.Stopped || Errors > 0)
            {
                _idle = true;
                return;
            }

            token = Token(_index, _opNumber++);
            var length = _text.Length; // ASCII only, so UTF-16 units are code points
            var op = _capped && length >= CapLength
                ? TextOp.Replace(_random.Next(length - TokenLength + 1), TokenLength, token)
                : TextOp.Insert(_random.Next(length + 1), token);
            _text.Apply(op);
            _inflight = op;
            _acked = false;
            _seen = false;
            _idle = false;
            submission = new Submission { ClientId = ClientId, Seq = ++_seq, V = _v, Op = ToElement(op) };
            submitted = Stopwatch.GetTimestamp();
            _state.SubmitTimes[token] = submitted;
        }

        _ = SendAsync(submission, submitted);
    }

    private async Task SendAsync(Submission submission, long submitted)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _connection.InvokeAsync<JsonElement>(HubNames.Submit, DocId, submission);
                break;
            }
            catch (HubException ex) when (attempt < MaxAttempts && IsUnavailable(ex.Message))
            {
                // Retryable (e.g. two instances racing on one document): resubmit the same (clientId, seq), as the
                // SDK does; the server deduplicates and transforms it from its original version.
                lock (_lock)
                {
                    Retries++;
                }

                await Task.Delay(Random.Shared.Next(1, 10));
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }
        }

        var now = Stopwatch.GetTimestamp();
        bool next;
        lock (_lock)
        {
            if (_state.Measuring)
            {
                _ackLatencies.Add(LoadState.Milliseconds(submitted, now));
                AckedInWindow++;
            }

            _acked = true;
            _ackedAt = now;
            next = _seen;
        }

        if (next)
        {
            ScheduleNext();
        }
    }

    /// <summary>
    /// Fetches what the op stream should have brought when the client's own op was acknowledged more than
    /// <paramref name="afterTicks"/> ago and has not arrived. The broadcast normally brings it right around the
    /// acknowledgement (often just after it: the connection hands invocations to their handlers on a loop of its
    /// own), so one watchdog checks every client now and then instead of each op starting a timer.
    /// </summary>
    public void CatchUpIfStuck(long now, long afterTicks)
    {
        lock (_lock)
        {
            if (!_acked || _seen || now - _ackedAt < afterTicks)
            {
                return;
            }

            _ackedAt = now; // the next check in afterTicks, if the fetch did not bring it either
        }

        _ = CatchUpAsync();
    }

    private void OnOp(string docId, JsonElement op)
    {
        var now = Stopwatch.GetTimestamp();
        var next = false;
        var gap = false;
        lock (_lock)
        {
            var v = op.GetProperty("v").GetInt64();
            if (v <= _v)
            {
                return; // a duplicate
            }

            if (v > _v + 1)
            {
                _ahead[v] = op;
                gap = !_fetching;
            }
            else
            {
                next = Apply(op, now);
                while (_ahead.Count > 0)
                {
                    var (queuedV, queued) = _ahead.First();
                    if (queuedV > _v + 1)
                    {
                        break;
                    }

                    _ahead.Remove(queuedV);
                    if (queuedV == _v + 1)
                    {
                        next |= Apply(queued, now);
                    }
                }
            }
        }

        if (gap)
        {
            _ = CatchUpAsync();
        }

        if (next)
        {
            ScheduleNext();
        }
    }

    // Under the lock. True when this was the client's own in-flight op and its Submit has already returned.
    private bool Apply(JsonElement sequenced, long now)
    {
        _v = sequenced.GetProperty("v").GetInt64();
        if (_inflight is not null
            && sequenced.GetProperty("clientId").GetString() == ClientId
            && sequenced.GetProperty("seq").GetInt64() == _seq)
        {
            _inflight = null; // already in the copy
            _seen = true;
            return _acked;
        }

        if (!sequenced.TryGetProperty("op", out var raw))
        {
            return false; // no create or delete happens during a run
        }

        var remote = TextOp.Parse(raw);
        if (_inflight is not null)
        {
            var rebased = TextType.Instance.Transform(remote, _inflight, TransformSide.Right);
            _inflight = TextType.Instance.Transform(_inflight, remote, TransformSide.Left);
            remote = rebased;
        }

        _text.Apply(remote);
        if (_state.Measuring && FindToken(raw) is { } token && _state.SubmitTimes.TryGetValue(token, out var submitted))
        {
            _seenLatencies.Add(LoadState.Milliseconds(submitted, now));
        }

        return false;
    }

    private void Fail(Exception ex)
    {
        lock (_lock)
        {
            Errors++;
            _idle = true;
        }

        Console.Error.WriteLine($"{ClientId}: {ex.GetType().Name}: {ex.Message}");
    }

    private static bool IsUnavailable(string message) =>
        message.StartsWith("unavailable:", StringComparison.Ordinal) || message.Contains(" unavailable:", StringComparison.Ordinal);

    // The client index in base 36 (3 chars), then its op number in base 36 (5 chars): unique in a run.
    internal static string Token(int client, int opNumber) => Base36(client, 3) + Base36(opNumber, 5);

    private static string Base36(int value, int width)
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> chars = stackalloc char[width];
        for (var i = width - 1; i >= 0; i--)
        {
            chars[i] = Digits[value % 36];
            value /= 36;
        }

        return new string(chars);
    }

    // Each op inserts exactly one token, and transforms never split an insert.
    internal static string? FindToken(JsonElement op)
    {
        foreach (var component in op.EnumerateArray())
        {
            if (component.ValueKind == JsonValueKind.String)
            {
                return component.GetString();
            }
        }

        return null;
    }

    internal static JsonElement ToElement(TextOp op)
    {
        using var document = JsonDocument.Parse(op.ToJson());
        return document.RootElement.Clone();
    }
}
