using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveSync.Server.Hubs;

/// <summary>Applies LiveSync's settings to the hub: timeouts that clear a dropped client's presence quickly, message size, the error filter.</summary>
internal sealed class LiveSyncHubOptionsSetup(IOptions<LiveSyncOptions> options) : IConfigureOptions<HubOptions<LiveSyncHub>>
{
    public void Configure(HubOptions<LiveSyncHub> hub)
    {
        var o = options.Value;
        hub.KeepAliveInterval = o.KeepAliveInterval;
        hub.ClientTimeoutInterval = o.ClientTimeout;

        // Room for the largest op plus the submission around it and JSON escaping.
        hub.MaximumReceiveMessageSize = (o.MaxOpBytes * 2L) + 16 * 1024;
        hub.AddFilter<LiveSyncHubFilter>();
    }
}
