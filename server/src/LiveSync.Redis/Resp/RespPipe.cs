using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace LiveSync.Redis.Resp;

/// <summary>
/// One TCP connection to Redis carrying many commands at once. Callers serialise their command into the shared
/// output buffer and append its completion to the pending FIFO under one lock, so bytes and completions are in the
/// same order; the caller that finds no write in progress sends whatever has accumulated in a single socket write,
/// on its own thread (no hand-off to a writer thread per command), until nothing is left; one reader loop parses
/// replies with System.IO.Pipelines and completes the FIFO's head with each. A sweep fails commands that passed
/// their deadline without removing them, so their late replies are still matched and discarded.
/// <para>
/// A pipe never reconnects: on the first socket, protocol or server-close error it fails every pending command with
/// <see cref="RedisConnectionException"/>, refuses new ones, and completes <see cref="Closed"/>.
/// <see cref="RespLink"/> then opens a new pipe.
/// </para>
/// </summary>
internal sealed class RespPipe : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly string _endPoint;
    private readonly long _commandTimeoutMs;
    private readonly Action<RespValue>? _onPush;
    private readonly object _sync = new();
    private readonly Queue<RespPendingCommand> _pending = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Timer? _timeoutSweep;
    private RespOutputBuffer _queued = new();
    private RespOutputBuffer _sending = new();
    private Exception? _failure;

    // Under _sync: someone is sending (_sending belongs to them until they clear it).
    private bool _writing;

    private RespPipe(Socket socket, RespOptions options, Action<RespValue>? onPush)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        _endPoint = options.EndPoint;
        _onPush = onPush;
        if (options.CommandTimeout == Timeout.InfiniteTimeSpan)
        {
            _commandTimeoutMs = -1;
        }
        else
        {
            _commandTimeoutMs = (long)options.CommandTimeout.TotalMilliseconds;
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_commandTimeoutMs / 4, 10, 1000));
            _timeoutSweep = new Timer(static state => ((RespPipe)state!).SweepTimeouts(), this, period, period);
        }
    }

    /// <summary>Completes, with the cause, when the connection has failed or been disposed. Never faults.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Opens the socket within <paramref name="cancellationToken"/> and starts the reader loop.</summary>
    /// <param name="options">Where to connect and the command timeout.</param>
    /// <param name="onPush">
    /// Receives pub/sub push messages on the reader loop (subscriber connections only); must not throw or block.
    /// </param>
    /// <param name="cancellationToken">Bounds the connect (the caller links in the connect timeout).</param>
    public static async Task<RespPipe> ConnectAsync(RespOptions options, Action<RespValue>? onPush, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        EnableKeepAlive(socket);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var pipe = new RespPipe(socket, options, onPush);
        _ = Task.Run(pipe.ReadLoopAsync, CancellationToken.None);
        return pipe;
    }

    /// <summary>
    /// Queues a command and returns its reply. Fails at once with <see cref="RedisConnectionException"/> when the pipe
    /// has failed; with <see cref="TimeoutException"/> after the command timeout.
    /// </summary>
    /// <param name="args">The command name and its arguments; not empty.</param>
    /// <param name="throwOnError">Whether an error reply is thrown as <see cref="RedisServerException"/> or returned.</param>
    /// <param name="cancellationToken">Abandons the wait; the command may still run on the server.</param>
    public ValueTask<RespValue> ExecuteAsync(ReadOnlySpan<RespArg> args, bool throwOnError, CancellationToken cancellationToken)
    {
        if (args.IsEmpty)
        {
            throw new ArgumentException("A command needs at least its name.", nameof(args));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RespValue>(cancellationToken);
        }

        var deadline = _commandTimeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + _commandTimeoutMs;
        var command = RespPendingCommand.Rent(args[0].Text, deadline, throwOnError);
        bool write;
        lock (_sync)
        {
            if (_failure is not null)
            {
                // The rented completion is dropped, not returned: nothing else references it.
                return ValueTask.FromException<RespValue>(ConnectionLost(_failure));
            }

            RespCommandWriter.Write(_queued, args);
            _pending.Enqueue(command);
            write = !_writing;
            _writing = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            command.RegisterCancellation(cancellationToken);
        }

        // Only the command that finds no write in progress sends; the others ride along in its writes.
        if (write)
        {
            WriteQueued();
        }

        return command.AsValueTask();
    }

    /// <summary>Closes the socket and fails pending commands with <see cref="RedisConnectionException"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RespConnection), "The Redis connection was closed."));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// TCP keep-alive probes notice a peer that vanished without closing (host down, network cut) within about a
    /// minute, so the pipe fails and reconnects instead of waiting on a dead socket; the OS default is two hours.
    /// </summary>
    private static void EnableKeepAlive(Socket socket)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 4);
        }
        catch (SocketException)
        {
            // Not tunable on this platform: the OS defaults apply.
        }
        catch (PlatformNotSupportedException)
        {
            // Likewise.
        }
    }

    /// <summary>
    /// Sends what has been queued, batch after batch, until nothing is left; called by the one caller that set
    /// <see cref="_writing"/>. A socket send that completes at once (the usual case: the kernel buffer has room) is
    /// done on the caller's thread; one that has to wait continues asynchronously and carries on from there.
    /// </summary>
    private void WriteQueued()
    {
        while (true)
        {
            RespOutputBuffer batch;
            lock (_sync)
            {
                if (_failure is not null || _queued.WrittenCount == 0)
                {
                    StopWriting();
                    return;
                }

                batch = _queued;
                _queued = _sending;
                _sending = batch;
            }

            ValueTask send;
            try
            {
                send = _stream.WriteAsync(batch.WrittenMemory);
            }
            catch (Exception ex)
            {
                FailWhileWriting(ex);
                return;
            }

            if (!send.IsCompletedSuccessfully)
            {
                _ = FinishWriteAsync(send, batch);
                return;
            }

            batch.Reset();
        }
    }

    private async Task FinishWriteAsync(ValueTask send, RespOutputBuffer batch)
    {
        try
        {
            await send.ConfigureAwait(false);
            batch.Reset();
        }
        catch (Exception ex)
        {
            FailWhileWriting(ex);
            return;
        }

        WriteQueued();
    }

    private void FailWhileWriting(Exception cause)
    {
        Fail(cause);
        lock (_sync)
        {
            StopWriting();
        }
    }

    // Under _sync. The writer lets go; after a failure the buffers are released here, as no one writes any more.
    private void StopWriting()
    {
        _writing = false;
        if (_failure is not null)
        {
            _queued.Release();
            _sending.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RespParser.TryRead(ref buffer, out var reply))
                {
                    Dispatch(reply);
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new RedisConnectionException($"Redis at {_endPoint} closed the connection.");
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(in RespValue reply)
    {
        if (_onPush is not null && IsPushMessage(reply))
        {
            _onPush(reply);
            return;
        }

        RespPendingCommand? command;
        lock (_sync)
        {
            _pending.TryDequeue(out command);
        }

        if (command is null)
        {
            throw new RedisConnectionException($"Redis at {_endPoint} sent a reply no command was waiting for.");
        }

        command.TrySetResult(reply);
        command.Release();
    }

    private static bool IsPushMessage(in RespValue reply)
    {
        if (reply.Type != RespType.Array || reply.Length < 3)
        {
            return false;
        }

        var kind = reply[0];
        if (kind.Type != RespType.BulkString || kind.IsNull)
        {
            return false;
        }

        var span = kind.AsBytes().Span;
        return span.SequenceEqual("message"u8) || span.SequenceEqual("pmessage"u8);
    }

    private void SweepTimeouts()
    {
        var now = Environment.TickCount64;
        lock (_sync)
        {
            // Commands share one timeout and are queued in order, so the expired ones are a prefix of the FIFO.
            // Failing them under the lock keeps the reader from recycling one meanwhile; continuations run elsewhere.
            foreach (var command in _pending)
            {
                if (command.Deadline > now)
                {
                    break;
                }

                command.TrySetException(new TimeoutException(
                    $"Redis command {command.CommandName ?? "(binary)"} got no reply from {_endPoint} within {_commandTimeoutMs} ms. " +
                    "The connection is kept; its late reply will be discarded."));
            }
        }
    }

    private void Fail(Exception cause)
    {
        RespPendingCommand[] pending;
        lock (_sync)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = cause;
            pending = _pending.Count == 0 ? [] : _pending.ToArray();
            _pending.Clear();

            // A writer in progress releases the buffers when it stops (its send still reads _sending); otherwise now.
            if (!_writing)
            {
                _queued.Release();
                _sending.Release();
            }
        }

        _timeoutSweep?.Dispose();
        _socket.Dispose();
        foreach (var command in pending)
        {
            command.TrySetException(ConnectionLost(cause));
            command.Release();
        }

        _closed.TrySetResult(cause);
    }

    private RedisConnectionException ConnectionLost(Exception cause) => cause switch
    {
        RedisConnectionException known => new RedisConnectionException(known.Message, cause),
        ObjectDisposedException => new RedisConnectionException($"The connection to Redis at {_endPoint} was closed.", cause),
        _ => new RedisConnectionException($"The connection to Redis at {_endPoint} was lost: {cause.Message}", cause),
    };
}
