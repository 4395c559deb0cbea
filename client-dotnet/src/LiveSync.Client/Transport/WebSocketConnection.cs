using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Transport;

/// <summary>
/// A SignalR connection over one <see cref="WebSocket"/>. <see cref="Transport"/> is a duplex pipe: what the hub
/// connection writes is sent as one WebSocket message per pipe read (text frames, or binary frames when
/// <see cref="ActiveFormat"/> is binary), and every received frame is written to the input pipe as it comes.
/// Either side may close: the client by completing the output (a close frame is sent and the server's awaited
/// up to <see cref="WebSocketConnectionOptions.CloseTimeout"/>), the server with a close frame (the input completes
/// and the close is answered).
/// </summary>
internal sealed class WebSocketConnection : ConnectionContext, ITransferFormatFeature
{
    private readonly WebSocket _socket;
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private readonly Pipe _input = new(); // socket -> hub connection
    private readonly Pipe _output = new(); // hub connection -> socket
    private readonly CancellationTokenSource _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public WebSocketConnection(WebSocket socket, string connectionId, TransferFormat format, TimeSpan closeTimeout, ILogger logger)
    {
        _socket = socket;
        _closeTimeout = closeTimeout;
        _logger = logger;
        ConnectionId = connectionId;
        ActiveFormat = format;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        Features.Set<ITransferFormatFeature>(this);
        ConnectionClosed = _closed.Token;
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public TransferFormat SupportedFormats => TransferFormat.Text | TransferFormat.Binary;

    public TransferFormat ActiveFormat { get; set; }

    /// <summary>Starts pumping between the socket and the pipes.</summary>
    public void Start()
    {
        _running = RunAsync();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        TransportLog.Aborted(_logger, ConnectionId);
        _aborted.Cancel();
        _socket.Abort();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The hub connection has stopped writing; ending the output starts the close handshake.
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _socket.Dispose();
        _aborted.Dispose();
        _closed.Dispose();
    }

    private async Task RunAsync()
    {
        var receiving = ReceiveAsync();
        var sending = SendAsync();

        var first = await Task.WhenAny(receiving, sending).ConfigureAwait(false);
        if (first == receiving)
        {
            // The server closed (or the socket failed): stop sending, which answers the close.
            _output.Reader.CancelPendingRead();
            await sending.ConfigureAwait(false);
        }
        else
        {
            // We sent our close frame: wait a while for the server's, then give up on it.
            var timeout = Task.Delay(_closeTimeout);
            if (await Task.WhenAny(receiving, timeout).ConfigureAwait(false) != receiving)
            {
                TransportLog.CloseTimedOut(_logger, ConnectionId);
                _aborted.Cancel();
                _socket.Abort();
            }

            await receiving.ConfigureAwait(false);
        }

        try
        {
            _closed.Cancel();
        }
        catch (AggregateException)
        {
            // A ConnectionClosed callback threw; the connection is closed all the same.
        }
    }

    private async Task ReceiveAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = _input.Writer.GetMemory(4096);
                var result = await _socket.ReceiveAsync(memory, _aborted.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    TransportLog.ServerClosed(_logger, ConnectionId, _socket.CloseStatus?.ToString());
                    if (_socket.CloseStatus is not (WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable))
                    {
                        error = new WebSocketException(
                            WebSocketError.Success,
                            $"the server closed the WebSocket with status {_socket.CloseStatus}: {_socket.CloseStatusDescription}");
                    }

                    break;
                }

                _input.Writer.Advance(result.Count);
                var flush = await _input.Writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            error = new ConnectionAbortedException("the connection was aborted");
        }
        catch (Exception ex)
        {
            if (!_aborted.IsCancellationRequested)
            {
                TransportLog.ReceiveFailed(_logger, ConnectionId, ex);
            }

            error = ex;
        }
        finally
        {
            await _input.Writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task SendAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _output.Reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    if (result.IsCanceled)
                    {
                        break;
                    }

                    if (!buffer.IsEmpty)
                    {
                        await SendMessageAsync(buffer).ConfigureAwait(false);
                    }

                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    _output.Reader.AdvanceTo(buffer.End);
                }
            }
        }
        catch (Exception ex)
        {
            if (!_aborted.IsCancellationRequested)
            {
                TransportLog.SendFailed(_logger, ConnectionId, ex);
            }

            error = ex;
        }
        finally
        {
            await CloseOutputAsync(error).ConfigureAwait(false);
            await _output.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        var type = ActiveFormat == TransferFormat.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, type, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
            return;
        }

        // Send each segment as a fragment of one message; only the last one ends it.
        var previous = ReadOnlyMemory<byte>.Empty;
        var first = true;
        foreach (var segment in buffer)
        {
            if (!first)
            {
                await _socket.SendAsync(previous, type, endOfMessage: false, _aborted.Token).ConfigureAwait(false);
            }

            previous = segment;
            first = false;
        }

        await _socket.SendAsync(previous, type, endOfMessage: true, _aborted.Token).ConfigureAwait(false);
    }

    private async Task CloseOutputAsync(Exception? error)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        TransportLog.Closing(_logger, ConnectionId);
        using var timeout = new CancellationTokenSource(_closeTimeout);
        try
        {
            await _socket.CloseOutputAsync(
                error is null ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError,
                statusDescription: string.Empty,
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; there is nobody left to tell.
            _socket.Abort();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
