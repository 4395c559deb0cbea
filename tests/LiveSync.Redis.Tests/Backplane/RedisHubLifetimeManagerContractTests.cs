using LiveSync.Redis.Backplane;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>The contract suite on the Redis backplane: two servers, each with its own link to one real redis-server.</summary>
public sealed class RedisHubLifetimeManagerContractTests(RedisServerFixture redis) : HubLifetimeManagerContractTests, IClassFixture<RedisServerFixture>
{
    protected override async Task<ContractServer[]> StartServersAsync()
    {
        // A prefix per test keeps the tests' channels apart on the shared redis-server.
        var prefix = $"t{Guid.NewGuid():N}:";
        var servers = await Task.WhenAll(
            RedisBackplaneServer.StartAsync(redis.Configuration, prefix),
            RedisBackplaneServer.StartAsync(redis.Configuration, prefix));
        Assert.All(servers, s => Assert.IsType<RedisHubLifetimeManager<ContractHub>>(s.Manager));
        Assert.NotEqual(servers[0].Services.GetRequiredService<RedisBackplane>().ServerId, servers[1].Services.GetRequiredService<RedisBackplane>().ServerId);
        return servers;
    }
}

/// <summary>Starts a <see cref="ContractServer"/> whose lifetime manager is the Redis backplane.</summary>
internal static class RedisBackplaneServer
{
    public static Task<ContractServer> StartAsync(string configuration, string prefix, Action<RedisBackplaneOptions>? configure = null) =>
        ContractServer.StartAsync(services =>
        {
            services.AddOptions<RedisOptions>().Configure(o =>
            {
                o.Configuration = configuration;
                o.KeyPrefix = prefix;
                o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(250);
            });
            RedisBackplaneServices.AddHubLifetimeManager(services);
            if (configure is not null)
            {
                services.Configure(configure);
            }
        });
}
