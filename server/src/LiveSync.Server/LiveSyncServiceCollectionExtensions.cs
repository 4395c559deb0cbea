using LiveSync.Server.Diagnostics;
using LiveSync.Server.Documents;
using LiveSync.Server.Hubs;
using LiveSync.Server.Presence;
using LiveSync.Server.Sequencing;
using LiveSync.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds LiveSync to an application's services.</summary>
public static class LiveSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LiveSync server: SignalR with the json and messagepack hub protocols (it calls <c>AddSignalR()</c>
    /// itself), the sequencer, presence, and the
    /// embedded durable store in <see cref="LiveSync.Server.LiveSyncOptions.DataDir"/>, so this alone is a working
    /// single-node server. Options bind from the <c>LiveSync</c> configuration section, then
    /// <paramref name="configure"/>; limits are validated at start-up. Every service is registered with TryAdd, so
    /// an application may replace any of them (the store by registering its own <see cref="IOpLog"/> first).
    /// </summary>
    public static LiveSync.Server.ILiveSyncBuilder AddLiveSync(this IServiceCollection services, Action<LiveSync.Server.LiveSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LiveSync.Server.LiveSyncOptions>()
            .BindConfiguration(LiveSync.Server.LiveSyncOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSignalR().AddLiveSyncMessagePackProtocol();

        // SignalR's own per-hub setup copies the global hub options; registering it closed, ahead of ours, makes it
        // run first (as AddHubOptions does) so it cannot overwrite what ours sets.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions<LiveSyncHub>>, HubOptionsSetup<LiveSyncHub>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions<LiveSyncHub>>, LiveSyncHubOptionsSetup>());
        services.AddMetrics();
        services.AddHealthChecks().AddCheck<OpLogHealthCheck>("storage", tags: ["ready"]);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiveSyncMetrics>();
        services.TryAddSingleton<IOpBroadcaster, HubOpBroadcaster>();
        services.TryAddSingleton<DocumentSequencers>();
        services.TryAddSingleton<ILocalSequencer, LocalSequencer>();
        services.TryAddSingleton<ISubmitRouter, LocalSubmitRouter>();
        services.TryAddSingleton<DocumentService>();
        services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        services.TryAddSingleton<PresenceTracker>();
        services.TryAddSingleton<LiveSync.Server.LiveSyncMarker>();
        EmbeddedStorage.TryAdd(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OpLogStartup>());
        return new LiveSync.Server.LiveSyncBuilder(services);
    }
}
