using LiveSync.Redis;
using LiveSync.Redis.Affinity;
using LiveSync.Redis.Backplane;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Storage;
using LiveSync.Server;
using LiveSync.Server.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Redis to a LiveSync server.</summary>
public static class LiveSyncRedisExtensions
{
    /// <summary>
    /// Stores every document's ops and snapshots in Redis instead of the embedded store, so several LiveSync servers
    /// can serve the same documents: each document's log is a Redis stream, and appends are conditional Lua scripts,
    /// so servers racing on one document cannot both win. It also makes Redis the SignalR backplane
    /// (<see cref="RedisHubLifetimeManager{THub}"/>: every broadcast, group and user send reaches the clients of
    /// every server) and the place presence is kept, with a heartbeat per server so a server that dies has its
    /// clients' presence cleared for everyone (settings in the <c>LiveSync:RedisBackplane</c> section,
    /// <see cref="RedisBackplaneOptions"/>). Each document gets an owning server among those running, and submissions
    /// that reach another server are forwarded to it (document affinity, <c>LiveSync:RedisAffinity</c>,
    /// <see cref="RedisAffinityOptions"/>), so servers rarely race each other's appends. At start-up the server connects (retrying for
    /// <see cref="RedisOptions.StartTimeout"/>) and refuses to start when Redis is older than 7.0 or its
    /// <c>maxmemory-policy</c> is not <c>noeviction</c>; it warns when AOF is off. More settings bind from the
    /// <c>LiveSync:RedisStorage</c> section (<see cref="RedisOptions"/>), then <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">What <c>AddLiveSync()</c> returned.</param>
    /// <param name="configuration">
    /// Where Redis is: <c>host:port</c>, optionally followed by <c>,password=...</c>, <c>,user=...</c>, <c>,db=N</c>,
    /// <c>,connectTimeout=ms</c>, <c>,commandTimeout=ms</c>.
    /// </param>
    /// <param name="configure">Adjusts the options after binding; null: none.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is null or blank.</exception>
    /// <exception cref="FormatException"><paramref name="configuration"/> is not a valid Redis configuration string.</exception>
    public static ILiveSyncBuilder AddRedis(this ILiveSyncBuilder builder, string configuration, Action<RedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);

        // Fail at the call, naming the problem, rather than when the host starts.
        RespOptions.Parse(configuration);

        var options = builder.Services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .Configure(o => o.Configuration = configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations()
            .Validate(o => o.AppendResolveTimeout > TimeSpan.Zero, "RedisOptions.AppendResolveTimeout must be positive.")
            .Validate(o => o.StartTimeout > TimeSpan.Zero, "RedisOptions.StartTimeout must be positive.")
            .Validate(o => o.ReconnectMaxDelay > TimeSpan.Zero, "RedisOptions.ReconnectMaxDelay must be positive.")
            .Validate(o => o.KeyPrefix is not null && !o.KeyPrefix.Contains('{') && !o.KeyPrefix.Contains('}'), "RedisOptions.KeyPrefix cannot contain { or }: it would change the keys' hash tag.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton<RedisOpLog>();

        // AddLiveSync registered the embedded store; this one replaces it (the last AddRedis wins).
        builder.Services.Replace(ServiceDescriptor.Singleton<IOpLog>(sp => sp.GetRequiredService<RedisOpLog>()));

        // The backplane and presence on the same Redis: live messages and presence reach every server's clients.
        RedisBackplaneServices.AddHubLifetimeManager(builder.Services);
        RedisBackplaneServices.AddPresenceAndCatchUp(builder.Services);

        // One server sequences each document; the others forward its submissions there instead of racing it.
        AffinityServices.Add(builder.Services);
        return builder;
    }
}
