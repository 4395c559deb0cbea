using System.Collections.Concurrent;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Redis.Resp;
using LiveSync.Server.Presence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// Presence shared by every server on one Redis (keys in <see cref="PresenceKeys"/>): <c>Open</c> on any server
/// returns the presence of clients on all of them. Each server sends a heartbeat (<see cref="BeatAsync"/>, every
/// <see cref="RedisBackplaneOptions.PresenceHeartbeatInterval"/>); when one stops for
/// <see cref="RedisBackplaneOptions.PresenceServerTimeout"/> (killed outright, or cut off from Redis), a surviving
/// server clears the entries it had set and tells each document's subscribers, once per entry, that the client left.
/// </summary>
internal sealed class RedisPresenceStore : IPresenceStore
{
    private static readonly IReadOnlyDictionary<string, JsonElement> None = new Dictionary<string, JsonElement>();

    private readonly RedisBackplane _backplane;
    private readonly PresenceKeys _keys;
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;

    // What this server set and has not cleared: set again should the others have counted this server dead.
    private readonly ConcurrentDictionary<(string DocId, string ClientId), (string ConnectionId, string Json)> _local = new();
    private Func<string, string, ValueTask>? _expired;
    private volatile bool _registered;

    public RedisPresenceStore(RedisBackplane backplane, IOptions<RedisBackplaneOptions> options, ILogger<RedisPresenceStore> logger)
    {
        _backplane = backplane;
        _keys = new PresenceKeys(backplane.KeyPrefix);
        _options = options.Value;
        _logger = logger;
    }

    public async ValueTask SetAsync(string docId, string clientId, string connectionId, JsonElement presence, CancellationToken cancellationToken = default)
    {
        var json = presence.GetRawText();
        _local[(docId, clientId)] = (connectionId, json);
        await CallAsync(async redis =>
        {
            // Listed before it is written, so a server noticing this one dead never misses an entry.
            if (!_registered)
            {
                await BeatAsync(cancellationToken).ConfigureAwait(false);
            }

            await WriteAsync(redis, docId, clientId, connectionId, json, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public ValueTask<bool> RemoveAsync(string docId, string clientId, string connectionId, CancellationToken cancellationToken = default)
    {
        if (_local.TryGetValue((docId, clientId), out var mine) && mine.ConnectionId == connectionId)
        {
            _local.TryRemove(KeyValuePair.Create((docId, clientId), mine));
        }

        return CallAsync(async redis =>
        {
            var removed = await redis.EvaluateAsync(
                PresenceScripts.RemoveIfOwner,
                [_keys.Document(docId)],
                [clientId, PresenceKeys.Owner(_backplane.ServerId, connectionId)],
                cancellationToken).ConfigureAwait(false);
            await redis.ExecuteAsync(["SREM", _keys.ServerEntries(_backplane.ServerId), PresenceKeys.Entry(docId, clientId, connectionId)], cancellationToken).ConfigureAwait(false);
            return removed.AsInt64() == 1;
        });
    }

    public ValueTask<IReadOnlyDictionary<string, JsonElement>> OthersAsync(string docId, string exceptClientId, CancellationToken cancellationToken = default) =>
        CallAsync(async redis =>
        {
            var reply = await redis.ExecuteAsync(["HGETALL", _keys.Document(docId)], cancellationToken).ConfigureAwait(false);
            if (reply.Length == 0)
            {
                return None;
            }

            var result = new Dictionary<string, JsonElement>(reply.Length / 2, StringComparer.Ordinal);
            var items = reply.Elements.Span;
            for (var i = 0; i + 1 < items.Length; i += 2)
            {
                var clientId = items[i].AsString()!;
                if (clientId == exceptClientId)
                {
                    continue;
                }

                if (!PresenceKeys.TryParseValue(items[i + 1].AsString()!, out var json))
                {
                    BackplaneLog.MalformedPresence(_logger, docId);
                    continue;
                }

                try
                {
                    result[clientId] = JsonElement.Parse(json);
                }
                catch (JsonException)
                {
                    BackplaneLog.MalformedPresence(_logger, docId);
                }
            }

            return (IReadOnlyDictionary<string, JsonElement>)result;
        });

    public void SetExpiredHandler(Func<string, string, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _expired = handler;
    }

    /// <summary>
    /// One heartbeat: moves this server's deadline forward, sets its entries again if the others had counted it dead,
    /// and clears the entries of servers whose deadline passed (only on a server whose hub is in use, which has
    /// subscribers to tell; any other server leaves it to them).
    /// </summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached.</exception>
    /// <exception cref="TimeoutException">Redis did not answer in time.</exception>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var redis = await _backplane.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        var reply = await redis.EvaluateAsync(
            PresenceScripts.Heartbeat,
            [_keys.Servers],
            [_backplane.ServerId, (long)_options.PresenceServerTimeout.TotalMilliseconds],
            cancellationToken).ConfigureAwait(false);
        var added = reply[0].AsInt64() == 1;
        if (added && _registered)
        {
            BackplaneLog.Resurrected(_logger);
            foreach (var ((docId, clientId), (connectionId, json)) in _local)
            {
                await WriteAsync(redis, docId, clientId, connectionId, json, cancellationToken).ConfigureAwait(false);
            }
        }

        _registered = true;
        if (_expired is not { } expired)
        {
            return;
        }

        foreach (var dead in reply[1].Elements.Span.ToArray())
        {
            var serverId = dead.AsString()!;
            if (serverId != _backplane.ServerId)
            {
                await ClearServerAsync(redis, serverId, expired, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ClearServerAsync(RespConnection redis, string serverId, Func<string, string, ValueTask> expired, CancellationToken cancellationToken)
    {
        var entriesKey = _keys.ServerEntries(serverId);
        var entries = await redis.ExecuteAsync(["SMEMBERS", entriesKey], cancellationToken).ConfigureAwait(false);
        var cleared = 0;
        foreach (var member in entries.Elements.Span.ToArray())
        {
            if (!PresenceKeys.TryParseEntry(member.AsString()!, out var docId, out var clientId, out var connectionId))
            {
                continue;
            }

            var removed = await redis.EvaluateAsync(
                PresenceScripts.RemoveIfOwner,
                [_keys.Document(docId)],
                [clientId, PresenceKeys.Owner(serverId, connectionId)],
                cancellationToken).ConfigureAwait(false);
            if (removed.AsInt64() != 1)
            {
                continue;
            }

            cleared++;
            try
            {
                await expired(docId, clientId).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                BackplaneLog.ExpiredHandlerFailed(_logger, docId, clientId, ex);
            }
        }

        // Last, so that a server dying half-way through leaves the dead one listed for the next to finish.
        await redis.ExecuteAsync(["DEL", entriesKey], cancellationToken).ConfigureAwait(false);
        await redis.ExecuteAsync(["ZREM", _keys.Servers, serverId], cancellationToken).ConfigureAwait(false);
        BackplaneLog.ServerExpired(_logger, serverId, cleared);
    }

    private async Task WriteAsync(RespConnection redis, string docId, string clientId, string connectionId, string json, CancellationToken cancellationToken)
    {
        var listed = redis.ExecuteAsync(["SADD", _keys.ServerEntries(_backplane.ServerId), PresenceKeys.Entry(docId, clientId, connectionId)], cancellationToken);
        var written = redis.ExecuteAsync(["HSET", _keys.Document(docId), clientId, PresenceKeys.Value(_backplane.ServerId, connectionId, json)], cancellationToken);
        await listed.ConfigureAwait(false);
        await written.ConfigureAwait(false);
    }

    /// <summary>Runs a call on the command connection; Redis being unreachable becomes <c>unavailable</c>.</summary>
    private async ValueTask<T> CallAsync<T>(Func<RespConnection, Task<T>> call)
    {
        try
        {
            return await call(await _backplane.GetConnectionAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or TimeoutException or RedisServerException)
        {
            throw new LiveSyncException(ErrorCodes.Unavailable, "presence is kept in Redis, which cannot be reached: " + ex.Message);
        }
    }
}
