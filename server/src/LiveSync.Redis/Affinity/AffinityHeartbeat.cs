using LiveSync.Redis.Backplane;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// Keeps this server among those that own documents while it runs: it listens on its affinity channels, then every
/// <see cref="RedisBackplaneOptions.PresenceHeartbeatInterval"/> moves its deadline forward by
/// <see cref="RedisBackplaneOptions.PresenceServerTimeout"/> and reads who else is listed
/// (<see cref="AffinityScripts.Beat"/>). A server killed outright stops owning documents once its deadline passes;
/// one that stops cleanly leaves at once.
/// </summary>
internal sealed class AffinityHeartbeat(
    RedisBackplane backplane,
    AffinityMembership membership,
    RedisSubmitRouter router,
    ForwardedSubmissions forwarded,
    AffinityMetrics metrics,
    IOptions<RedisAffinityOptions> options,
    IOptions<RedisBackplaneOptions> backplaneOptions,
    ILogger<AffinityHeartbeat> logger) : BackgroundService
{
    private readonly AffinityKeys _keys = new(backplane.KeyPrefix);
    private bool _listening;
    private (long, long, long) _loggedTotals;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Value.Enabled)
        {
            return;
        }

        // Leave rather than wait for the deadline, so the others take this server's documents over at once.
        membership.Clear();
        try
        {
            var redis = await backplane.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
            await redis.ExecuteAsync(["ZREM", _keys.Servers, membership.Self], cancellationToken).ConfigureAwait(false);
            AffinityLog.Left(logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The deadline passes by itself.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var interval = backplaneOptions.Value.PresenceHeartbeatInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                AffinityLog.HeartbeatFailed(logger, interval, ex);
            }

            LogTotals();
        }
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        if (!_listening)
        {
            // Listening before being listed: a listed server always takes what is forwarded to it. The subscriber
            // subscribes again by itself after a reconnect.
            var subscriber = await backplane.GetSubscriberAsync(cancellationToken).ConfigureAwait(false);
            await subscriber.SubscribeAsync(_keys.Replies(membership.Self), router.OnReply, cancellationToken).ConfigureAwait(false);
            await subscriber.SubscribeAsync(_keys.Submissions(membership.Self), forwarded.OnRequest, cancellationToken).ConfigureAwait(false);
            _listening = true;
            AffinityLog.Started(logger, membership.Self, options.Value.ForwardTimeout);
        }

        var redis = await backplane.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        var reply = await redis.EvaluateAsync(
            AffinityScripts.Beat,
            [_keys.Servers],
            [membership.Self, (long)backplaneOptions.Value.PresenceServerTimeout.TotalMilliseconds],
            cancellationToken).ConfigureAwait(false);
        var servers = new List<string>(reply.Length);
        foreach (var server in reply.Elements.Span)
        {
            servers.Add(server.AsString()!);
        }

        if (membership.Update(servers))
        {
            AffinityLog.ServersChanged(logger, servers.Count, string.Join(", ", membership.Servers));
        }
    }

    private void LogTotals()
    {
        var totals = metrics.Totals;
        if (totals != _loggedTotals && logger.IsEnabled(LogLevel.Debug))
        {
            _loggedTotals = totals;
            AffinityLog.Totals(logger, totals.Forwarded, totals.Served, totals.Fallbacks);
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
