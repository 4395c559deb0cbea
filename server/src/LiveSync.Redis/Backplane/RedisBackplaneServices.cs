using LiveSync.Redis.Resp;
using LiveSync.Server.Presence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Backplane;

/// <summary>Registers the backplane's services; called by <c>AddRedis</c> (and by tests, for the parts they need).</summary>
internal static class RedisBackplaneServices
{
    /// <summary>
    /// The backplane link and <see cref="RedisHubLifetimeManager{THub}"/> in place of SignalR's single-server
    /// manager, on the Redis of the bound <see cref="RedisOptions"/>.
    /// </summary>
    public static void AddHubLifetimeManager(IServiceCollection services)
    {
        services.AddOptions<RedisBackplaneOptions>()
            .BindConfiguration(RedisBackplaneOptions.SectionName)
            .Validate(o => o.GroupCommandTimeout > TimeSpan.Zero, "RedisBackplaneOptions.GroupCommandTimeout must be positive.")
            .Validate(o => o.PresenceHeartbeatInterval > TimeSpan.Zero, "RedisBackplaneOptions.PresenceHeartbeatInterval must be positive.")
            .Validate(
                o => o.PresenceServerTimeout > 2 * o.PresenceHeartbeatInterval,
                "RedisBackplaneOptions.PresenceServerTimeout must be more than twice PresenceHeartbeatInterval, or a slow heartbeat would count a live server dead.")
            .ValidateOnStart();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var resp = RespOptions.Parse(options.Configuration);
            resp.ReconnectMaxDelay = options.ReconnectMaxDelay;
            if (resp.ReconnectMinDelay > resp.ReconnectMaxDelay)
            {
                resp.ReconnectMinDelay = resp.ReconnectMaxDelay;
            }

            return new RedisBackplane(resp, options.KeyPrefix, sp.GetRequiredService<ILoggerFactory>());
        });

        // AddSignalR registered the single-server manager with TryAdd; this replaces it for every hub.
        services.Replace(ServiceDescriptor.Singleton(typeof(HubLifetimeManager<>), typeof(RedisHubLifetimeManager<>)));
    }

    /// <summary>Presence in Redis with heartbeats, and catching documents up after a backplane drop.</summary>
    public static void AddPresenceAndCatchUp(IServiceCollection services)
    {
        services.TryAddSingleton<RedisPresenceStore>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceStore>(sp => sp.GetRequiredService<RedisPresenceStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PresenceHeartbeat>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DocumentCatchUp>());
    }
}
