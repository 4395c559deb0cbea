using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Redis.Resp;

/// <summary>
/// A multiplexed Redis connection: any number of callers may run commands at once; they are pipelined over one TCP
/// connection, written in batches, and each caller gets its own reply. It reconnects by itself after the connection
/// drops (AUTH and SELECT are redone); while it is down, commands fail at once with
/// <see cref="RedisConnectionException"/>. Thread-safe. Not for SUBSCRIBE or blocking commands that would hold up
/// every command behind them; use <see cref="RespSubscriber"/> for pub/sub.
/// </summary>
public sealed class RespConnection : IAsyncDisposable
{
    private readonly RespLink _link;

    private RespConnection(RespOptions options, ILogger logger)
    {
        _link = new RespLink(options, logger, this);
    }

    /// <summary>
    /// Raised on a pool thread when an open connection drops; pending commands have failed and reconnecting has begun.
    /// Exceptions from handlers are logged and ignored.
    /// </summary>
    public event EventHandler<RedisConnectionException>? ConnectionFailed
    {
        add => _link.ConnectionFailed += value;
        remove => _link.ConnectionFailed -= value;
    }

    /// <summary>
    /// Raised on a pool thread when the connection is back (handshake done) and commands work again. Exceptions from
    /// handlers are logged and ignored.
    /// </summary>
    public event EventHandler? ConnectionRestored
    {
        add => _link.ConnectionRestored += value;
        remove => _link.ConnectionRestored -= value;
    }

    /// <summary>Whether the connection is open right now; false while reconnecting.</summary>
    public bool IsConnected => _link.IsConnected;

    /// <summary>The server, as <c>host:port</c>.</summary>
    public string EndPoint => _link.Options.EndPoint;

    /// <summary>
    /// Opens a connection and runs the handshake. Fails rather than retrying when the first connect does not
    /// succeed; after that, reconnecting is automatic.
    /// </summary>
    /// <param name="options">Where and how to connect; copied, so later changes to it have no effect.</param>
    /// <param name="logger">Receives connection events; none when null.</param>
    /// <param name="cancellationToken">Abandons the connect.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="RedisConnectionException">The server could not be reached in time or refused AUTH or SELECT.</exception>
    public static async Task<RespConnection> ConnectAsync(RespOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var connection = new RespConnection(options, logger ?? NullLogger.Instance);
        await connection._link.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Runs a command, e.g. <c>ExecuteAsync("SET", key, value)</c>. The arguments are serialised before this
    /// returns, so they may be reused at once. The returned task may be awaited once.
    /// </summary>
    /// <param name="command">The command name followed by its arguments.</param>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    /// <exception cref="RedisConnectionException">The connection is down or dropped before the reply came.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="RespOptions.CommandTimeout"/>.</exception>
    public ValueTask<RespValue> ExecuteAsync(params ReadOnlySpan<RespArg> command) =>
        _link.ExecuteAsync(command, throwOnError: true, CancellationToken.None);

    /// <summary>
    /// Runs a command as <see cref="ExecuteAsync(ReadOnlySpan{RespArg})"/> does; <paramref name="cancellationToken"/>
    /// abandons the wait (the command may still run on the server; its reply is discarded).
    /// </summary>
    /// <param name="command">The command name followed by its arguments.</param>
    /// <param name="cancellationToken">Abandons the wait with an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    /// <exception cref="RedisConnectionException">The connection is down or dropped before the reply came.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="RespOptions.CommandTimeout"/>.</exception>
    public ValueTask<RespValue> ExecuteAsync(ReadOnlySpan<RespArg> command, CancellationToken cancellationToken) =>
        _link.ExecuteAsync(command, throwOnError: true, cancellationToken);

    /// <summary>
    /// Runs <paramref name="script"/> with EVALSHA; when Redis no longer has it cached (NOSCRIPT, e.g. after a restart)
    /// sends it once with EVAL, which runs it and caches it again.
    /// </summary>
    /// <param name="script">The script.</param>
    /// <param name="keys">The script's KEYS.</param>
    /// <param name="args">The script's ARGV.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The script's reply; a Lua error table nested in it stays an error value.</returns>
    /// <exception cref="RedisServerException">The script failed or returned an error.</exception>
    /// <exception cref="RedisConnectionException">The connection is down or dropped before the reply came.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="RespOptions.CommandTimeout"/>.</exception>
    public ValueTask<RespValue> EvaluateAsync(
        RespScript script,
        ReadOnlySpan<RespArg> keys,
        ReadOnlySpan<RespArg> args,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);

        // The arguments outlive this call only if the EVAL fallback is needed; a pooled array keeps them without allocating.
        var count = 3 + keys.Length + args.Length;
        var command = ArrayPool<RespArg>.Shared.Rent(count);
        command[0] = "EVALSHA";
        command[1] = script.Sha1Bytes;
        command[2] = keys.Length;
        keys.CopyTo(command.AsSpan(3));
        args.CopyTo(command.AsSpan(3 + keys.Length));
        return EvaluateCoreAsync(script, command, count, cancellationToken);
    }

    /// <summary>Closes the connection and stops reconnecting; pending commands fail with <see cref="RedisConnectionException"/>.</summary>
    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private async ValueTask<RespValue> EvaluateCoreAsync(RespScript script, RespArg[] command, int count, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await _link.ExecuteAsync(command.AsSpan(0, count), throwOnError: false, cancellationToken).ConfigureAwait(false);
            if (reply.IsError && reply.AsString()!.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                RespLog.ScriptNotCached(_link.Logger, script.Sha1);
                command[0] = "EVAL";
                command[1] = script.SourceBytes;
                reply = await _link.ExecuteAsync(command.AsSpan(0, count), throwOnError: false, cancellationToken).ConfigureAwait(false);
            }

            return reply.IsError ? throw new RedisServerException(reply.AsString()!) : reply;
        }
        finally
        {
            ArrayPool<RespArg>.Shared.Return(command, clearArray: true);
        }
    }
}
