using System.Diagnostics;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Benchmarks;

/// <summary>
/// One active client of the workload against the bare relay hub: the same messages as <see cref="LoadClient"/>
/// (a submission holding an 8-character token insert, or delete 8 + insert once capped), one in flight; its "ack"
/// is its own message coming back through the group. Nothing orders the ops, so there is no OT: the client only
/// tracks the document's length to pick positions in [0, length].
/// </summary>
internal sealed class RelayClient : IBenchClient
{
    private const int InitialLength = 64;
    private const int CapLength = 4096;
    private const int TokenLength = 8;

    private readonly object _lock = new();
    private readonly HubConnection _connection;
    private readonly LoadState _state;
    private readonly int _index;
    private readonly bool _capped;
    private readonly Random _random;
    private readonly List<double> _ackLatencies = [];
    private readonly List<double> _seenLatencies = [];

    private int _length = InitialLength;
    private long _seq;
    private int _opNumber;
    private long _submitted;

    private RelayClient(HubConnection connection, LoadState state, int index, string docId, bool capped)
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

    public int Retries => 0;

    public static HubConnection BuildConnection(Uri baseUri, bool messagePack)
    {
        var builder = new HubConnectionBuilder();
        if (messagePack)
        {
            builder.AddLiveSyncMessagePackProtocol();
        }

        return builder.WithLiveSyncWebSockets(new Uri(baseUri, RelayServer.Path)).Build();
    }

    public static async Task<RelayClient> ConnectAsync(Uri baseUri, int index, string docId, bool capped, bool messagePack, LoadState state)
    {
        var connection = BuildConnection(baseUri, messagePack);
        var client = new RelayClient(connection, state, index, docId, capped);
        connection.On<string, JsonElement>(RelayServer.OpMessage, client.OnOp);
        await connection.StartAsync();
        await connection.InvokeAsync(RelayServer.Join, docId);
        return client;
    }

    public void Start() => SubmitNext();

    public void CollectInto(List<double> ackLatencies, List<double> seenLatencies)
    {
        lock (_lock)
        {
            ackLatencies.AddRange(_ackLatencies);
            seenLatencies.AddRange(_seenLatencies);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void SubmitNext()
    {
        Submission submission;
        lock (_lock)
        {
            if (_state.Stopped || Errors > 0)
            {
                return;
            }

            var token = LoadClient.Token(_index, _opNumber++);
            TextOp op;
            if (_capped && _length >= CapLength)
            {
                op = TextOp.Replace(_random.Next(_length - TokenLength + 1), TokenLength, token);
            }
            else
            {
                op = TextOp.Insert(_random.Next(_length + 1), token);
                _length += TokenLength;
            }

            submission = new Submission { ClientId = ClientId, Seq = ++_seq, V = 0, Op = LoadClient.ToElement(op) };
            _submitted = Stopwatch.GetTimestamp();
            _state.SubmitTimes[token] = _submitted;
        }

        _ = SendAsync(submission);
    }

    private async Task SendAsync(Submission submission)
    {
        try
        {
            await _connection.SendAsync(RelayServer.Submit, DocId, submission);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                Errors++;
            }

            Console.Error.WriteLine($"{ClientId}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void OnOp(string docId, JsonElement message)
    {
        var now = Stopwatch.GetTimestamp();
        var own = message.GetProperty("clientId").GetString() == ClientId;
        var op = message.GetProperty("op");
        lock (_lock)
        {
            if (own)
            {
                if (message.GetProperty("seq").GetInt64() != _seq)
                {
                    return;
                }

                if (_state.Measuring)
                {
                    _ackLatencies.Add(LoadState.Milliseconds(_submitted, now));
                    AckedInWindow++;
                }
            }
            else
            {
                var deletes = false;
                foreach (var component in op.EnumerateArray())
                {
                    deletes |= component.ValueKind == JsonValueKind.Object;
                }

                if (!deletes)
                {
                    _length += TokenLength;
                }

                if (_state.Measuring && LoadClient.FindToken(op) is { } token && _state.SubmitTimes.TryGetValue(token, out var submitted))
                {
                    _seenLatencies.Add(LoadState.Milliseconds(submitted, now));
                }

                return;
            }
        }

        SubmitNext();
    }
}
