using System.Buffers;
using System.Diagnostics;
using LiveSync.Protocol;
using LiveSync.Redis.Resp;
using LiveSync.Server.Storage;

namespace LiveSync.Redis.Storage;

/// <summary>The conditional append, and settling an append whose reply was lost.</summary>
internal sealed partial class RedisOpLog
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">The ops are not numbered <paramref name="expectedHead"/> + 1, + 2, ...</exception>
    public async ValueTask<AppendResult> AppendAsync(string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedHead);
        ArgumentNullException.ThrowIfNull(ops);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is null || ops[i].ClientId is null || ops[i].V != expectedHead + 1 + i)
            {
                throw new ArgumentException($"ops[{i}] must be non-null, with a client id and version {expectedHead + 1 + i}.", nameof(ops));
            }
        }

        if (ops.Count == 0)
        {
            var head = await ReadHeadAsync(docId, cancellationToken);
            return head.V == expectedHead ? AppendResult.Success(head.V) : AppendResult.Conflict(head.V);
        }

        var connection = Connection;
        if (!connection.IsConnected)
        {
            // Nothing was sent, so nothing can have been stored: fail fast.
            throw Unavailable("Append", docId, new RedisConnectionException("not connected"));
        }

        var before = MarkOf(docId);
        var newEpoch = Guid.NewGuid().ToString("N");
        try
        {
            var reply = await RunAppendAsync(connection, docId, before, newEpoch, expectedHead, ops, cancellationToken);
            return Settle(docId, before, reply);
        }
        catch (RedisServerException ex)
        {
            // Redis refused the script before it ran (LOADING, OOM, BUSY...) or it failed its checks: every check
            // comes before the first write, so nothing was written.
            throw Unavailable("Append", docId, ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or TimeoutException)
        {
            return await ResolveAsync(connection, docId, before, newEpoch, expectedHead, ops, ex, cancellationToken);
        }
    }

    private ValueTask<RespValue> RunAppendAsync(
        RespConnection connection,
        string docId,
        DocumentMark? before,
        string newEpoch,
        long expectedHead,
        IReadOnlyList<StoredOp> ops,
        CancellationToken cancellationToken)
    {
        var count = 5 + (6 * ops.Count);
        var args = ArrayPool<RespArg>.Shared.Rent(count);
        try
        {
            args[0] = expectedHead;
            args[1] = before?.Epoch ?? "";
            args[2] = before?.MaxV ?? 0;
            args[3] = newEpoch;
            args[4] = ops.Count;
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                var at = 5 + (6 * i);
                args[at] = op.V;
                args[at + 1] = op.ClientId;
                args[at + 2] = op.Seq;
                args[at + 3] = op.BaseV;
                args[at + 4] = op.Ts;
                args[at + 5] = op.Payload;
            }

            // The connection copies the arguments before this returns (payloads are still referenced, and kept
            // alive by the caller's ops), so the rented array can go back at once.
            return connection.EvaluateAsync(
                RedisScripts.Append,
                [_keys.Ops(docId), _keys.Meta(docId), _keys.Seqs(docId), _keys.Snapshots(docId)],
                args.AsSpan(0, count),
                cancellationToken);
        }
        finally
        {
            ArrayPool<RespArg>.Shared.Return(args, clearArray: true);
        }
    }

    private AppendResult Settle(string docId, DocumentMark? before, RespValue reply)
    {
        switch (Status(reply))
        {
            case "OK":
                var last = reply[1].AsInt64();
                Observe(docId, before, reply[2].AsString()!, last);
                return AppendResult.Success(last);
            case "CONFLICT":
                var head = reply[1].AsInt64();
                var epoch = reply[2].AsString()!;
                if (epoch.Length > 0)
                {
                    Observe(docId, before, epoch, head);
                }

                return AppendResult.Conflict(head);
            case "EPOCH":
                throw Unsafe(docId, $"it was replaced: its epoch changed from {before?.Epoch} to {reply[1].AsString()}, so its keys were deleted and it was started again");
            case "REWOUND":
                throw Unsafe(docId, $"it was rewound: version {before?.MaxV} was stored and Redis now has version {reply[1].AsString()} (Redis restarted without its latest writes?)");
            case "GONE":
                throw Unsafe(docId, Vanished(before ?? default));
            case "DUPLICATE":
                throw Unsafe(docId, $"an append repeated client {reply[1].AsString()}'s seq {reply[2].AsString()}, which is already stored; it was refused");
            case "CORRUPT":
                throw Unsafe(docId, reply[1].AsString()!);
            default:
                throw Unsafe(docId, "the append script answered " + reply);
        }
    }

    /// <summary>
    /// Settles an append whose reply was lost: it may or may not have run. The append is retried as it was; being
    /// conditional on the head, it can never store the ops twice. If the head has moved past them and the entries
    /// there are exactly these ops, the first attempt stored them: success. Otherwise the retry's own result stands.
    /// Commands on one connection run in order, so a first attempt still queued in Redis runs before the retry.
    /// </summary>
    private async ValueTask<AppendResult> ResolveAsync(
        RespConnection connection,
        string docId,
        DocumentMark? before,
        string newEpoch,
        long expectedHead,
        IReadOnlyList<StoredOp> ops,
        Exception cause,
        CancellationToken cancellationToken)
    {
        RedisOpLogLog.AppendIndeterminate(_logger, docId, expectedHead, cause.Message);
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (Stopwatch.GetElapsedTime(started) > _options.AppendResolveTimeout)
            {
                RedisOpLogLog.AppendResolved(_logger, docId, expectedHead, "unknown: Redis did not answer in time");
                throw new LiveSyncException(
                    ErrorCodes.Unavailable,
                    "storage (Redis) did not confirm whether the change was stored; resubmit it with the same seq (it is never stored twice)");
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            if (!connection.IsConnected)
            {
                continue;
            }

            try
            {
                var reply = await RunAppendAsync(connection, docId, before, newEpoch, expectedHead, ops, cancellationToken);
                if (Status(reply) == "CONFLICT" && reply[1].AsInt64() >= expectedHead + ops.Count
                    && await AreStoredAsync(connection, docId, expectedHead, ops, cancellationToken))
                {
                    Observe(docId, before, reply[2].AsString()!, reply[1].AsInt64());
                    RedisOpLogLog.AppendResolved(_logger, docId, expectedHead, "stored by the first attempt");
                    return AppendResult.Success(expectedHead + ops.Count);
                }

                var result = Settle(docId, before, reply);
                RedisOpLogLog.AppendResolved(_logger, docId, expectedHead, result.Appended ? "stored by the retry" : $"not stored; the head is {result.Head}");
                return result;
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                // Still down, reloading (LOADING) or slow: keep trying until the deadline.
            }
        }
    }

    /// <summary>Whether the entries after <paramref name="expectedHead"/> are exactly <paramref name="ops"/>.</summary>
    private async ValueTask<bool> AreStoredAsync(RespConnection connection, string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken)
    {
        var reply = await connection.ExecuteAsync(
            ["XRANGE", _keys.Ops(docId), RedisKeys.EntryId(expectedHead + 1), RedisKeys.EntryId(expectedHead + ops.Count)],
            cancellationToken);
        var entries = reply.Elements.Span;
        if (entries.Length != ops.Count)
        {
            return false;
        }

        for (var i = 0; i < ops.Count; i++)
        {
            if (!RedisRecords.TryParseEntry(entries[i], out var stored, out _))
            {
                return false;
            }

            var op = ops[i];
            if (stored.V != op.V || stored.Seq != op.Seq || stored.BaseV != op.BaseV || stored.Ts != op.Ts
                || !string.Equals(stored.ClientId, op.ClientId, StringComparison.Ordinal)
                || !stored.Payload.Span.SequenceEqual(op.Payload.Span))
            {
                return false;
            }
        }

        return true;
    }
}
