using System.Collections.Concurrent;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Redis.Backplane;
using LiveSync.Redis.Resp;
using LiveSync.Server.Sequencing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// The sending side of document affinity: a submission to a document another server owns is published on that
/// server's channel and answered on this server's own (<see cref="AffinityKeys"/>). Whatever goes wrong on the way
/// (nobody listening on the owner's channel, Redis unreachable, no answer within
/// <see cref="RedisAffinityOptions.ForwardTimeout"/>) the submission is sequenced here, exactly as without affinity;
/// the store's conditional append and its (client id, seq) deduplication make that safe even when the owner did
/// sequence it after all. An owner that failed is passed over for a while, so its documents' submissions do not
/// each wait for it.
/// </summary>
internal sealed class RedisSubmitRouter : ISubmitRouter, IDisposable
{
    private readonly RedisBackplane _backplane;
    private readonly AffinityMembership _membership;
    private readonly AffinityMetrics _metrics;
    private readonly ILogger _logger;
    private readonly AffinityKeys _keys;
    private readonly bool _enabled;
    private readonly long _timeoutMs;
    private readonly TimeSpan _passedOverFor;
    private readonly ConcurrentDictionary<long, PendingForward> _pending = new();
    private readonly ITimer _sweeper;
    private long _lastId;

    public RedisSubmitRouter(
        RedisBackplane backplane,
        AffinityMembership membership,
        AffinityMetrics metrics,
        IOptions<RedisAffinityOptions> options,
        IOptions<RedisBackplaneOptions> backplaneOptions,
        TimeProvider time,
        ILogger<RedisSubmitRouter> logger)
    {
        _backplane = backplane;
        _membership = membership;
        _metrics = metrics;
        _logger = logger;
        _keys = new AffinityKeys(backplane.KeyPrefix);
        _enabled = options.Value.Enabled;
        _timeoutMs = Math.Max(1, (long)options.Value.ForwardTimeout.TotalMilliseconds);
        _passedOverFor = backplaneOptions.Value.PresenceServerTimeout;

        // One timer ends every overdue forward, instead of a timer per forward.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_timeoutMs / 8, 5, 250));
        _sweeper = time.CreateTimer(_ => ExpireOverdue(), null, period, period);
    }

    public ValueTask<SubmitOutcome?> TrySubmitElsewhereAsync(string docId, Submission submission)
    {
        if (!_enabled)
        {
            return default;
        }

        var owner = _membership.OwnerOf(docId);
        return owner is null || owner == _membership.Self ? default : ForwardAsync(owner, docId, submission);
    }

    /// <summary>Takes an answer off this server's reply channel; runs on the subscriber's reader loop.</summary>
    public void OnReply(string channel, ReadOnlyMemory<byte> message)
    {
        ForwardReply reply;
        try
        {
            reply = AffinityMessages.ReadReply(message.Span);
        }
        catch (JsonException ex)
        {
            AffinityLog.Malformed(_logger, channel, ex);
            return;
        }

        // Completions run their continuations on the pool, never on the reader loop. An answer after the timeout
        // finds nothing: the submission was sequenced here meanwhile, and the store kept it once.
        if (_pending.TryGetValue(reply.Id, out var pending))
        {
            pending.TrySetResult(reply);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var pending in _pending.Values)
        {
            pending.TrySetResult(null);
        }
    }

    private async ValueTask<SubmitOutcome?> ForwardAsync(string owner, string docId, Submission submission)
    {
        var id = Interlocked.Increment(ref _lastId);
        var pending = new PendingForward(Environment.TickCount64 + _timeoutMs);

        // Listed before publishing: the answer may come back before PUBLISH's own reply does.
        _pending[id] = pending;
        try
        {
            long receivers;
            try
            {
                var payload = AffinityMessages.Write(new ForwardRequest(id, _membership.Self, docId, submission));
                var redis = await _backplane.GetConnectionAsync().ConfigureAwait(false);
                receivers = (await redis.ExecuteAsync("PUBLISH", _keys.Submissions(owner), payload).ConfigureAwait(false)).AsInt64();
            }
            catch (Exception ex) when (ex is RedisConnectionException or TimeoutException or RedisServerException)
            {
                // Redis itself is the problem, not the owner: sequencing here reports it (as unavailable) if it lasts.
                _metrics.FellBack("redis");
                return null;
            }

            if (receivers == 0)
            {
                return PassOver(owner, docId, "unreachable", "nobody listens on its channel");
            }

            var reply = await pending.Task.ConfigureAwait(false);
            if (reply is null)
            {
                return PassOver(owner, docId, "timeout", "no answer within " + TimeSpan.FromMilliseconds(_timeoutMs));
            }

            if (reply.Local)
            {
                // The owner logged why; sequencing here gives the answer this server would have given anyway.
                _metrics.FellBack("failed");
                return null;
            }

            _metrics.Forwarded();
            return reply.Code is { } code
                ? throw new LiveSyncException(code, reply.Message ?? "")
                : new SubmitOutcome(reply.V, reply.Duplicate);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private SubmitOutcome? PassOver(string owner, string docId, string reason, string explanation)
    {
        _metrics.FellBack(reason);
        if (_membership.Suspect(owner))
        {
            AffinityLog.OwnerPassedOver(_logger, docId, owner, explanation, _passedOverFor);
        }

        return null;
    }

    private void ExpireOverdue()
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var now = Environment.TickCount64;
        foreach (var pending in _pending.Values)
        {
            if (pending.Deadline <= now)
            {
                pending.TrySetResult(null);
            }
        }
    }

    /// <summary>A forward waiting for its answer; null: it timed out.</summary>
    private sealed class PendingForward(long deadline) : TaskCompletionSource<ForwardReply?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Deadline { get; } = deadline;
    }
}
