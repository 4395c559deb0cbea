using System.Collections.Concurrent;
using System.Diagnostics;
using LiveSync.Protocol;
using LiveSync.Redis.Resp;
using LiveSync.Server.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Storage;

/// <summary>
/// The op log in Redis, for several LiveSync servers sharing one Redis: one stream per document (entry id
/// <c>{v}-0</c>), a meta hash with the head, the first kept version and an epoch, a hash of each client's last seq,
/// and a hash of snapshots (layout in <see cref="RedisKeys"/>, formats in <see cref="RedisRecords"/>). Every write is
/// one Lua script (<see cref="RedisScripts"/>), so a conditional append is atomic across servers.
/// </summary>
/// <remarks>
/// Safety: this process remembers, per document it has touched, the epoch and the highest version it saw stored.
/// A log whose keys vanished, whose epoch changed (deleted and started again) or whose head went below a version
/// seen stored (Redis restarted without its latest writes), or whose stream disagrees with its meta, is reported as
/// <c>unavailable</c> and logged, never silently restarted at version 1. A server that never saw a document cannot
/// tell a lost log from a new one; its clients notice (<c>version_ahead</c> when they hold later versions).
/// Redis unreachable: calls fail at once with <c>unavailable</c>; the connection comes back by itself.
/// </remarks>
internal sealed partial class RedisOpLog : IOpLog, IHostedService, IAsyncDisposable
{
    // Bounds the per-document memory of epochs; past it the memory is dropped (detection then restarts from what
    // is read next), which costs one dictionary of small entries at most.
    private const int MaxRememberedDocuments = 100_000;

    private readonly RedisOptions _options;
    private readonly RedisKeys _keys;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DocumentMark> _marks = new(StringComparer.Ordinal);
    private RespConnection? _connection;
    private string _endPoint = "";

    public RedisOpLog(IOptions<RedisOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _keys = new RedisKeys(_options.KeyPrefix);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RedisOpLog>();
    }

    private RespConnection Connection => _connection ?? throw new InvalidOperationException("The Redis op log is used before the host started it.");

    /// <summary>
    /// Connects (retrying for <see cref="RedisOptions.StartTimeout"/>), then checks the server: Redis 7 or later,
    /// <c>maxmemory-policy noeviction</c> (else it refuses to start: streams could be evicted), and warns when AOF is off.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resp = RespOptions.Parse(_options.Configuration);
        resp.ReconnectMaxDelay = _options.ReconnectMaxDelay;
        if (resp.ReconnectMinDelay > resp.ReconnectMaxDelay)
        {
            resp.ReconnectMinDelay = resp.ReconnectMaxDelay;
        }

        _endPoint = resp.EndPoint;
        var started = Stopwatch.GetTimestamp();
        RespConnection connection;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                connection = await RespConnection.ConnectAsync(resp, _loggerFactory.CreateLogger<RespConnection>(), cancellationToken);
                break;
            }
            catch (RedisConnectionException ex) when (Stopwatch.GetElapsedTime(started) < _options.StartTimeout)
            {
                RedisOpLogLog.StartRetry(_logger, _endPoint, attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)), cancellationToken);
            }
            catch (RedisConnectionException ex)
            {
                throw new InvalidOperationException(
                    $"LiveSync could not reach Redis at {resp} within {_options.StartTimeout.TotalSeconds:0.#} s: {ex.Message}", ex);
            }
        }

        try
        {
            await CheckServerAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        connection.ConnectionFailed += (_, _) => RedisOpLogLog.ConnectionLost(_logger, _endPoint);
        connection.ConnectionRestored += (_, _) => RedisOpLogLog.ConnectionRestored(_logger, _endPoint);
        _connection = connection;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask<LogHead> ReadHeadAsync(string docId, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        var before = MarkOf(docId);
        RespValue reply;
        try
        {
            reply = await Connection.EvaluateAsync(RedisScripts.Head, [_keys.Ops(docId), _keys.Meta(docId)], [], cancellationToken);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw Unavailable("ReadHead", docId, ex);
        }

        switch (Status(reply))
        {
            case "NONE":
                if (before is { } known)
                {
                    throw Unsafe(docId, Vanished(known));
                }

                return new LogHead(0, 1);
            case "OK":
                var v = reply[1].AsInt64();
                var first = reply[2].AsInt64();
                Observe(docId, before, reply[3].AsString()!, v);
                return new LogHead(v, Math.Min(first, v + 1));
            case "CORRUPT":
                throw Unsafe(docId, reply[1].AsString()!);
            default:
                throw Unsafe(docId, "the head script answered " + reply);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredOp>> ReadOpsAsync(string docId, long from, long to, int limit, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        from = Math.Max(from, 1);
        if (limit <= 0 || to < from)
        {
            return [];
        }

        // One entry before the range is read too, when there is one, so the first op's rolling hash can be checked.
        var start = from - 1;
        var count = (long)limit + 1;
        RespValue reply;
        try
        {
            reply = await Connection.ExecuteAsync(
                [
                    "XRANGE", _keys.Ops(docId), RedisKeys.EntryId(Math.Max(start, 1)),
                    to == long.MaxValue ? "+" : RedisKeys.EntryId(to), "COUNT", count,
                ],
                cancellationToken);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw Unavailable("ReadOps", docId, ex);
        }

        var entries = reply.Elements.Span;
        var result = new List<StoredOp>(Math.Min(entries.Length, limit));
        // The hash before version 1 is empty; before any other, it is the entry read just before the range, if any.
        var previousHash = "";
        var previousV = 0L;
        var next = 0L;
        foreach (var entry in entries)
        {
            if (!RedisRecords.TryParseEntry(entry, out var op, out var hash))
            {
                throw Unsafe(docId, $"its stream has an entry LiveSync did not write ({entry[0]})");
            }

            if (op.V < from)
            {
                previousHash = hash;
                previousV = op.V;
                next = op.V + 1;
                continue;
            }

            if (next != 0 && op.V != next)
            {
                throw Unsafe(docId, $"version {next} is missing from its stream");
            }

            if (op.V == previousV + 1 && !string.Equals(RedisRecords.RollingHash(previousHash, op), hash, StringComparison.Ordinal))
            {
                throw Unsafe(docId, $"version {op.V} does not match its rolling hash: the stored log diverged or was edited at that version");
            }

            previousHash = hash;
            previousV = op.V;
            next = op.V + 1;
            result.Add(op);
            if (result.Count == limit)
            {
                break;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<ClientSeq?> ReadClientSeqAsync(string docId, string clientId, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ArgumentNullException.ThrowIfNull(clientId);
        RespValue reply;
        try
        {
            reply = await Connection.EvaluateAsync(RedisScripts.ReadClientSeq, [_keys.Meta(docId), _keys.Seqs(docId)], [clientId], cancellationToken);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw Unavailable("ReadClientSeq", docId, ex);
        }

        if (reply.IsNull)
        {
            return null;
        }

        return RedisRecords.ParseClientSeq(reply.AsBytes().Span)
            ?? throw Unsafe(docId, $"the recorded seq of client {clientId} is not in LiveSync's format");
    }

    /// <inheritdoc />
    public async ValueTask<StoredSnapshot?> ReadSnapshotAsync(string docId, long maxV, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        if (maxV < 0)
        {
            return null;
        }

        RespValue reply;
        try
        {
            reply = await Connection.EvaluateAsync(RedisScripts.ReadSnapshot, [_keys.Snapshots(docId)], [maxV], cancellationToken);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw Unavailable("ReadSnapshot", docId, ex);
        }

        if (reply.IsNull)
        {
            return null;
        }

        var v = reply[0].AsInt64();
        return RedisRecords.DecodeSnapshot(v, reply[1].AsBytes())
            ?? throw Unsafe(docId, $"its snapshot at version {v} is not in LiveSync's format");
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(string docId, StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.V);
        var retained = _options.RetainedVersions is { } r ? (RespArg)r : "";
        try
        {
            await Connection.EvaluateAsync(
                RedisScripts.WriteSnapshot,
                [_keys.Snapshots(docId), _keys.Ops(docId), _keys.Meta(docId)],
                [snapshot.V, RedisRecords.EncodeSnapshot(snapshot), _options.SnapshotsKept, retained],
                cancellationToken);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw Unavailable("WriteSnapshot", docId, ex);
        }
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisConnectionException or TimeoutException or RedisServerException;

    private static string Status(RespValue reply) =>
        reply.Type == RespType.Array && reply.Length > 0 ? reply[0].AsString() ?? "" : "";

    private static string Vanished(DocumentMark known) =>
        $"its keys are gone from Redis (deleted by hand, or Redis lost its data) after version {known.MaxV} was stored";

    private static async Task ReadInfoAsync(RespConnection connection, string section, Dictionary<string, string> into, CancellationToken cancellationToken)
    {
        var text = (await connection.ExecuteAsync(["INFO", section], cancellationToken)).AsString() ?? "";
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                into[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }
    }

    private async Task CheckServerAsync(RespConnection connection, CancellationToken cancellationToken)
    {
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var section in new[] { "server", "memory", "persistence" })
            {
                await ReadInfoAsync(connection, section, info, cancellationToken);
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            throw new InvalidOperationException($"LiveSync could not read INFO from Redis at {_endPoint}: {ex.Message}", ex);
        }

        var version = info.GetValueOrDefault("redis_version", "?");
        if (!System.Version.TryParse(version, out var parsed) || parsed.Major < 7)
        {
            throw new InvalidOperationException($"Redis at {_endPoint} is version {version}; LiveSync's op log needs Redis 7.0 or later.");
        }

        var policy = info.GetValueOrDefault("maxmemory_policy", "?");
        if (!string.Equals(policy, "noeviction", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Redis at {_endPoint} has maxmemory-policy {policy}: under memory pressure it would evict op streams, losing documents. " +
                "LiveSync needs maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf).");
        }

        var aof = info.GetValueOrDefault("aof_enabled", "0") == "1";
        if (!aof)
        {
            RedisOpLogLog.AofOff(_logger, _endPoint);
        }

        RedisOpLogLog.Started(_logger, _endPoint, version, _options.KeyPrefix, aof ? "on" : "off");
    }

    private DocumentMark? MarkOf(string docId) => _marks.TryGetValue(docId, out var mark) ? mark : null;

    /// <summary>
    /// Records that <paramref name="docId"/> has epoch <paramref name="epoch"/> and version <paramref name="v"/> stored,
    /// after checking that against what this process knew before the call was sent (<paramref name="before"/>): only
    /// knowledge from before the call counts, so concurrent calls whose replies are handled out of order never look
    /// like a rewind.
    /// </summary>
    private void Observe(string docId, DocumentMark? before, string epoch, long v)
    {
        if (before is { } known)
        {
            if (!string.Equals(known.Epoch, epoch, StringComparison.Ordinal))
            {
                throw Unsafe(docId, $"it was replaced: its epoch changed from {known.Epoch} to {epoch}, so its keys were deleted and it was started again");
            }

            if (v < known.MaxV)
            {
                throw Unsafe(docId, $"it was rewound: version {known.MaxV} was stored and Redis now has version {v} (Redis restarted without its latest writes?)");
            }
        }

        if (_marks.Count >= MaxRememberedDocuments && !_marks.ContainsKey(docId))
        {
            _marks.Clear();
        }

        _marks.AddOrUpdate(
            docId,
            static (_, state) => new DocumentMark(state.epoch, state.v),
            static (_, old, state) => string.Equals(old.Epoch, state.epoch, StringComparison.Ordinal) && old.MaxV >= state.v
                ? old
                : new DocumentMark(state.epoch, string.Equals(old.Epoch, state.epoch, StringComparison.Ordinal) ? Math.Max(old.MaxV, state.v) : state.v),
            (epoch, v));
    }

    private LiveSyncException Unavailable(string call, string docId, Exception ex)
    {
        var reason = ex switch
        {
            RedisConnectionException => "cannot be reached",
            TimeoutException => "did not answer in time",
            RedisServerException server => "answered " + server.Prefix,
            _ => ex.GetType().Name,
        };
        RedisOpLogLog.CallFailed(_logger, call, docId, reason);
        return new LiveSyncException(ErrorCodes.Unavailable, $"storage (Redis at {_endPoint}) {reason}; nothing was stored; retry");
    }

    private LiveSyncException Unsafe(string docId, string problem)
    {
        RedisOpLogLog.LogUnsafe(_logger, docId, problem);
        return new LiveSyncException(
            ErrorCodes.Unavailable,
            $"the stored log of this document is not safe to use: {problem}. Its versions are not reused; an operator must restore it");
    }

    /// <summary>What this process knows of a document's log: its epoch and the highest version it saw stored.</summary>
    private readonly record struct DocumentMark(string Epoch, long MaxV);
}
