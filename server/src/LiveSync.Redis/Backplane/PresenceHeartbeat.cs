using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Backplane;

/// <summary>Runs <see cref="RedisPresenceStore.BeatAsync"/> every heartbeat interval while the server runs.</summary>
internal sealed class PresenceHeartbeat(RedisPresenceStore store, IOptions<RedisBackplaneOptions> options, ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PresenceHeartbeatInterval;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await store.BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BackplaneLog.HeartbeatFailed(logger, interval, ex);
            }
        }
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false));
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
