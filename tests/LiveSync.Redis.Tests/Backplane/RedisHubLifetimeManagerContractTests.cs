using LiveSync.Redis.Backplane;
using LiveSync.Server.Hubs;
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

    [Fact]
    public async Task A_group_batch_reaches_every_member_as_separate_messages_in_order()
    {
        var local = await ClientAsync(S0, "local");
        var json = await ClientAsync(S1, "json");
        var messagePack = await ClientAsync(S1, "messagepack", messagePack: true);
        var outsider = await ClientAsync(S1, "outsider");
        await S0.Manager.AddToGroupAsync(local.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(json.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(messagePack.ConnectionId, "g").Within();

        var sent = Enumerable.Range(1, 5).Select(i => $"op-{i} 👋").ToList();
        await ((IGroupBatchSender)S0.Manager).SendGroupBatchAsync("g", ContractClient.Hello, [.. sent.Select(v => new object?[] { v })]).Within();
        await ((IGroupBatchSender)S0.Manager).SendGroupBatchAsync("g", ContractClient.Hello, [["after"]]).Within();
        List<string> expected = [.. sent, "after"];
        await ExpectAsync(S0, (local, expected), (json, expected), (messagePack, expected), (outsider, []));
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
