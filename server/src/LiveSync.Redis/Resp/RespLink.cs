using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Resp;

/// <summary>
/// A connection that stays connected: it holds the current <see cref="RespPipe"/>, runs the handshake (AUTH, SELECT)
/// on every connect, and when the pipe fails, raises <see cref="ConnectionFailed"/> and reconnects with exponential
/// backoff until it succeeds or is disposed. While it is down, commands fail at once with
/// <see cref="RedisConnectionException"/> instead of queueing: the caller decides whether to retry. Shared by
/// <see cref="RespConnection"/> and <see cref="RespSubscriber"/>.
/// </summary>
internal sealed class RespLink : IAsyncDisposable
{
    private readonly RespOptions _options;
    private readonly ILogger _logger;
    private readonly object _owner;
    private readonly Action<RespValue>? _onPush;
    private readonly Func<RespPipe, CancellationToken, Task>? _onReconnected;
    private readonly CancellationTokenSource _disposing = new();
    private volatile RespPipe? _pipe;
    private int _disposed;

    /// <param name="options">Validated options; not changed afterwards.</param>
    /// <param name="logger">Where connection events go.</param>
    /// <param name="owner">The public object raised as the events' sender.</param>
    /// <param name="onPush">Receives pub/sub push messages on the reader loop; must not throw.</param>
    /// <param name="onReconnected">Runs on each new pipe after a reconnect, before commands may use it (e.g. resubscribe).</param>
    public RespLink(
        RespOptions options,
        ILogger logger,
        object owner,
        Action<RespValue>? onPush = null,
        Func<RespPipe, CancellationToken, Task>? onReconnected = null)
    {
        _options = options;
        _logger = logger;
        _owner = owner;
        _onPush = onPush;
        _onReconnected = onReconnected;
    }

    /// <summary>Raised (on a pool thread) when an open connection drops; reconnecting has started.</summary>
    public event EventHandler<RedisConnectionException>? ConnectionFailed;

    /// <summary>Raised (on a pool thread) when a reconnect has succeeded and commands work again.</summary>
    public event EventHandler? ConnectionRestored;

    /// <summary>Whether a connection is open right now.</summary>
    public bool IsConnected => _pipe is not null;

    /// <summary>The options, for messages and logging.</summary>
    public RespOptions Options => _options;

    /// <summary>The logger, shared with the owner.</summary>
    public ILogger Logger => _logger;

    /// <summary>Opens the first connection, failing (no retry) when it cannot, then keeps it open.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var pipe = await OpenAsync(cancellationToken).ConfigureAwait(false);
        _pipe = pipe;
        RespLog.Connected(_logger, _options.EndPoint);
        _ = Task.Run(() => SuperviseAsync(pipe), CancellationToken.None);
    }

    /// <summary>Runs a command on the current connection, or fails at once when there is none.</summary>
    public ValueTask<RespValue> ExecuteAsync(ReadOnlySpan<RespArg> args, bool throwOnError, CancellationToken cancellationToken)
    {
        var pipe = _pipe;
        if (pipe is null)
        {
            return ValueTask.FromException<RespValue>(Volatile.Read(ref _disposed) != 0
                ? new ObjectDisposedException(_owner.GetType().Name)
                : new RedisConnectionException($"Not connected to Redis at {_options.EndPoint}; reconnecting."));
        }

        return pipe.ExecuteAsync(args, throwOnError, cancellationToken);
    }

    /// <summary>Stops reconnecting and closes the connection; pending commands fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        var pipe = Interlocked.Exchange(ref _pipe, null);
        if (pipe is not null)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<RespPipe> OpenAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        RespPipe? pipe = null;
        try
        {
            pipe = await RespPipe.ConnectAsync(_options, _onPush, timeout.Token).ConfigureAwait(false);
            if (_options.Password is not null)
            {
                await (_options.User is null
                    ? pipe.ExecuteAsync(["AUTH", _options.Password], throwOnError: true, timeout.Token)
                    : pipe.ExecuteAsync(["AUTH", _options.User, _options.Password], throwOnError: true, timeout.Token)).ConfigureAwait(false);
            }

            if (_options.Database != 0)
            {
                await pipe.ExecuteAsync(["SELECT", _options.Database], throwOnError: true, timeout.Token).ConfigureAwait(false);
            }

            return pipe;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (pipe is not null)
            {
                await pipe.DisposeAsync().ConfigureAwait(false);
            }

            throw ex switch
            {
                OperationCanceledException or TimeoutException => new RedisConnectionException(
                    $"Could not connect to Redis at {_options.EndPoint} within {_options.ConnectTimeout.TotalMilliseconds} ms.", ex),
                RedisServerException server => new RedisConnectionException(
                    $"Redis at {_options.EndPoint} refused the connection handshake: {server.Message}", ex),
                SocketException socket => new RedisConnectionException(
                    $"Could not connect to Redis at {_options.EndPoint}: {socket.Message}", ex),
                RedisConnectionException => ex,
                _ => new RedisConnectionException($"Could not connect to Redis at {_options.EndPoint}: {ex.Message}", ex),
            };
        }
        catch
        {
            if (pipe is not null)
            {
                await pipe.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Waits for the pipe to fail, then reconnects; loops until disposed.</summary>
    private async Task SuperviseAsync(RespPipe pipe)
    {
        var stopping = _disposing.Token;
        while (true)
        {
            var cause = await pipe.Closed.ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            Interlocked.CompareExchange(ref _pipe, null, pipe);
            RespLog.ConnectionLost(_logger, _options.EndPoint, cause);
            Raise(nameof(ConnectionFailed), ConnectionFailed,
                new RedisConnectionException($"Lost the connection to Redis at {_options.EndPoint}: {cause.Message}", cause));

            var next = await ReconnectAsync(stopping).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            pipe = next;
        }
    }

    private async Task<RespPipe?> ReconnectAsync(CancellationToken stopping)
    {
        var delay = _options.ReconnectMinDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Jitter spreads the reconnects of many processes after a shared Redis restarts.
                await Task.Delay(delay * (0.8 + (0.4 * Random.Shared.NextDouble())), stopping).ConfigureAwait(false);
                var pipe = await OpenAsync(stopping).ConfigureAwait(false);
                try
                {
                    if (_onReconnected is not null)
                    {
                        await _onReconnected(pipe, stopping).ConfigureAwait(false);
                    }
                }
                catch
                {
                    await pipe.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                _pipe = pipe;
                if (Volatile.Read(ref _disposed) != 0)
                {
                    // Disposed while reconnecting: DisposeAsync may have missed this pipe.
                    Interlocked.Exchange(ref _pipe, null);
                    await pipe.DisposeAsync().ConfigureAwait(false);
                    return null;
                }

                RespLog.Reconnected(_logger, _options.EndPoint, attempt);
                Raise(nameof(ConnectionRestored), ConnectionRestored, EventArgs.Empty);
                return pipe;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                RespLog.ReconnectFailed(_logger, attempt, _options.EndPoint, (long)delay.TotalMilliseconds, ex);
            }
        }
    }

    private void Raise<TArgs>(string eventName, EventHandler<TArgs>? handlers, TArgs args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)handler)(_owner, args);
            }
            catch (Exception ex)
            {
                RespLog.EventHandlerFailed(_logger, eventName, ex);
            }
        }
    }

    private void Raise(string eventName, EventHandler? handlers, EventArgs args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler)handler)(_owner, args);
            }
            catch (Exception ex)
            {
                RespLog.EventHandlerFailed(_logger, eventName, ex);
            }
        }
    }
}
