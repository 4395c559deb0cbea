using System.Security.Cryptography;
using LiveSync.Redis.Resp;
using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// This process's link to the Redis backplane: its server id, one connection for commands and PUBLISH and one for
/// SUBSCRIBE, shared by every hub's <see cref="RedisHubLifetimeManager{THub}"/> and by cross-server presence.
/// Connects on first use (never in the constructor); once connected, both connections reconnect by themselves.
/// Registered as a singleton by <c>AddRedis</c>; disposed with the application's services. Thread-safe.
/// </summary>
public sealed class RedisBackplane : IAsyncDisposable
{
    private readonly RespOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly byte[] _serverId = RandomNumberGenerator.GetBytes(BackplaneEnvelope.ServerIdLength);
    private readonly List<IBackplaneHub> _hubs = [];
    private RespConnection? _connection;
    private RespSubscriber? _subscriber;
    private bool _disposed;

    internal RedisBackplane(RespOptions options, string keyPrefix, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RedisBackplane>();
        KeyPrefix = keyPrefix;
        ServerId = Convert.ToHexStringLower(_serverId);
    }

    /// <summary>
    /// This process's id on the backplane: 32 lower-case hex digits, random per process and never reused. It names
    /// the server's own channel and its presence heartbeat, and lets the server ignore its own messages.
    /// </summary>
    public string ServerId { get; }

    /// <summary>The server id as the bytes envelopes carry.</summary>
    internal ReadOnlySpan<byte> ServerIdBytes => _serverId;

    /// <summary>The prefix of every channel and key (the op log's <c>KeyPrefix</c>).</summary>
    internal string KeyPrefix { get; }

    /// <summary>Redis, as <c>host:port</c>.</summary>
    internal string EndPoint => _options.EndPoint;

    /// <summary>
    /// Raised on a pool thread when either connection is back after a drop (the subscriber with every channel
    /// subscribed again): messages published or received meanwhile are lost, so local documents need catching up.
    /// </summary>
    internal event Action? LinkRestored;

    /// <summary>The hubs using this backplane, for catch-up after a drop.</summary>
    internal IReadOnlyList<IBackplaneHub> Hubs
    {
        get
        {
            lock (_hubs)
            {
                return [.. _hubs];
            }
        }
    }

    /// <summary>Closes both connections; nothing is published or received after this completes.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_subscriber is { } subscriber)
            {
                await subscriber.DisposeAsync().ConfigureAwait(false);
            }

            if (_connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Registers a hub for catch-up after a drop.</summary>
    internal void Attach(IBackplaneHub hub)
    {
        lock (_hubs)
        {
            _hubs.Add(hub);
        }
    }

    /// <summary>The command connection, connecting both connections on first use.</summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached (the next call tries again).</exception>
    internal async ValueTask<RespConnection> GetConnectionAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { } connection)
        {
            return connection;
        }

        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return _connection!;
    }

    /// <summary>The subscriber connection, connecting both connections on first use.</summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached (the next call tries again).</exception>
    internal async ValueTask<RespSubscriber> GetSubscriberAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _subscriber) is { } subscriber)
        {
            return subscriber;
        }

        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return _subscriber!;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscriber is not null)
            {
                return;
            }

            var connection = _connection ?? await RespConnection.ConnectAsync(_options, _loggerFactory.CreateLogger<RespConnection>(), cancellationToken).ConfigureAwait(false);
            if (_connection is null)
            {
                connection.ConnectionFailed += (_, ex) => BackplaneLog.LinkFailed(_logger, EndPoint, "publisher", ex);
                connection.ConnectionRestored += (_, _) => OnRestored("publisher");
                _connection = connection;
            }

            var subscriber = await RespSubscriber.ConnectAsync(_options, _loggerFactory.CreateLogger<RespSubscriber>(), cancellationToken).ConfigureAwait(false);
            subscriber.ConnectionFailed += (_, ex) => BackplaneLog.LinkFailed(_logger, EndPoint, "subscriber", ex);
            subscriber.ConnectionRestored += (_, _) => OnRestored("subscriber");
            Volatile.Write(ref _subscriber, subscriber);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private void OnRestored(string link)
    {
        BackplaneLog.LinkRestored(_logger, EndPoint, link);
        LinkRestored?.Invoke();
    }
}
