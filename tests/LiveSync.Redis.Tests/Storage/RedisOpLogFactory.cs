using LiveSync.Redis.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Tests.Storage;

/// <summary>Starts Redis op logs for tests.</summary>
internal static class RedisOpLogFactory
{
    public static async Task<RedisOpLog> StartAsync(string configuration, Action<RedisOptions>? configure = null)
    {
        var options = new RedisOptions { Configuration = configuration, ReconnectMaxDelay = TimeSpan.FromMilliseconds(100) };
        configure?.Invoke(options);
        var log = new RedisOpLog(Options.Create(options), NullLoggerFactory.Instance);
        await log.StartAsync(CancellationToken.None).Within();
        return log;
    }
}
