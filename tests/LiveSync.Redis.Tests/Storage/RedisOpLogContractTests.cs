using LiveSync.Redis.Storage;
using LiveSync.Server.Storage;
using LiveSync.Server.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Tests.Storage;

/// <summary>The storage port's contract suite, run against the Redis op log on a private redis-server.</summary>
public sealed class RedisOpLogContractTests(RedisServerFixture redis) : OpLogContractTests<IOpLog>, IClassFixture<RedisServerFixture>
{
    protected override async Task<IOpLog> CreateLogAsync()
    {
        var log = new RedisOpLog(Options.Create(new RedisOptions { Configuration = redis.Configuration, KeyPrefix = "contract:" }), NullLoggerFactory.Instance);
        await log.StartAsync(CancellationToken.None);
        return log;
    }
}
