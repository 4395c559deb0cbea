using System.Text.Json;
using System.Threading.Channels;
using LiveSync.Protocol.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Client.Tests.Fakes;

/// <summary>
/// One client's connection to a <see cref="FakeServer"/>: the <see cref="ISyncHub"/> its documents call, and the
/// in-order delivery of the server's messages to them, which a test can cut, drop or hold.
/// </summary>
internal sealed class FakeEndpoint : ISyncHub
{
    private readonly FakeServer _server;
    private readonly Dictionary<string, LiveSyncDocument> _documents = new(StringComparer.Ordinal);
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Action> _held = [];
    private volatile bool _connected = true;

    public FakeEndpoint(FakeServer server, string clientId)
    {
        _server = server;
        ClientId = clientId;
        _ = PumpAsync();
    }

    public string ClientId { get; }

    public bool IsConnected => _connected;

    /// <summary>Ops for which this returns true are never delivered (a lossy broadcast).</summary>
    public Func<SequencedOp, bool>? Drop { get; set; }

    /// <summary>While true, deliveries wait until <see cref="Release"/>.</summary>
    public bool Holding { get; set; }

    public List<(long From, long? To)> Fetches { get; } = [];

    public LiveSyncDocument Document(string docId, TimeSpan? confirmTimeout = null)
    {
        var document = new LiveSyncDocument(docId, this, confirmTimeout ?? TimeSpan.FromMilliseconds(100), NullLogger.Instance);
        lock (_documents)
        {
            _documents[docId] = document;
        }

        return document;
    }

    public void Release()
    {
        lock (_held)
        {
            Holding = false;
            foreach (var delivery in _held)
            {
                _inbox.Writer.TryWrite(delivery);
            }

            _held.Clear();
        }
    }

    /// <summary>Cuts the connection: calls fail, nothing is delivered, the documents are told.</summary>
    public void Disconnect()
    {
        _connected = false;
        foreach (var document in Documents())
        {
            document.OnDisconnected();
        }
    }

    /// <summary>Restores the connection and resyncs the documents, as the client does after a reconnect.</summary>
    public void Reconnect()
    {
        _connected = true;
        foreach (var document in Documents())
        {
            _server.Close(this, document.Id);
            document.Resync();
        }
    }

    public void Deliver(string docId, SequencedOp op)
    {
        if (!_connected || Drop?.Invoke(op) == true)
        {
            return;
        }

        Post(() => Find(docId)?.Receive(op));
    }

    public void DeliverPresence(string docId, string clientId, JsonElement? presence)
    {
        if (_connected)
        {
            Post(() => Find(docId)?.ReceivePresence(clientId, presence));
        }
    }

    public async Task<OpenResult> OpenAsync(string docId, long? since, CancellationToken cancellationToken)
    {
        await CallAsync();
        return _server.Open(this, docId, since);
    }

    public async Task CloseAsync(string docId, CancellationToken cancellationToken)
    {
        await CallAsync();
        _server.Close(this, docId);
    }

    public async Task<SubmitResult> SubmitAsync(string docId, Submission submission, CancellationToken cancellationToken)
    {
        await CallAsync();
        return _server.Submit(docId, submission);
    }

    public async Task<IReadOnlyList<SequencedOp>> FetchAsync(string docId, long from, long? to, CancellationToken cancellationToken)
    {
        await CallAsync();
        lock (Fetches)
        {
            Fetches.Add((from, to));
        }

        return _server.Fetch(docId, from, to);
    }

    public async Task SetPresenceAsync(string docId, JsonElement? presence, CancellationToken cancellationToken)
    {
        await CallAsync();
        _server.SetPresence(this, docId, presence);
    }

    private async Task CallAsync()
    {
        // Like a real hub call, never completes synchronously.
        await Task.Yield();
        if (!_connected)
        {
            throw new IOException("disconnected");
        }
    }

    private void Post(Action delivery)
    {
        lock (_held)
        {
            if (Holding)
            {
                _held.Add(delivery);
                return;
            }

            _inbox.Writer.TryWrite(delivery);
        }
    }

    private LiveSyncDocument? Find(string docId)
    {
        lock (_documents)
        {
            return _documents.GetValueOrDefault(docId);
        }
    }

    private List<LiveSyncDocument> Documents()
    {
        lock (_documents)
        {
            return [.. _documents.Values];
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var delivery in _inbox.Reader.ReadAllAsync())
        {
            delivery();
        }
    }
}
