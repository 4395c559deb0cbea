using LiveSync.Redis.Backplane;
using LiveSync.Server.Sequencing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Affinity;

/// <summary>Registers document affinity; called by <c>AddRedis</c> after the backplane, whose link and heartbeat settings it uses.</summary>
internal static class AffinityServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddOptions<RedisAffinityOptions>()
            .BindConfiguration(RedisAffinityOptions.SectionName)
            .Validate(o => o.ForwardTimeout > TimeSpan.Zero, "RedisAffinityOptions.ForwardTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(sp =>
        {
            // A server counts itself an owner only as long as the others do (its deadline), and passes a failed
            // owner over for as long as the others take to drop it.
            var timeout = sp.GetRequiredService<IOptions<RedisBackplaneOptions>>().Value.PresenceServerTimeout;
            return new AffinityMembership(sp.GetRequiredService<RedisBackplane>().ServerId, timeout, timeout);
        });
        services.TryAddSingleton<AffinityMetrics>();
        services.TryAddSingleton<RedisSubmitRouter>();
        services.TryAddSingleton<ForwardedSubmissions>();

        // AddLiveSync registered "always here"; this one forwards to the owner (or, switched off, also stays here).
        services.Replace(ServiceDescriptor.Singleton<ISubmitRouter>(sp => sp.GetRequiredService<RedisSubmitRouter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AffinityHeartbeat>());
    }
}
