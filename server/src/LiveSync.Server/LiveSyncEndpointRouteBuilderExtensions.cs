using LiveSync.Protocol;
using LiveSync.Server;
using LiveSync.Server.Http;
using LiveSync.Server.Hubs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps LiveSync's endpoints.</summary>
public static class LiveSyncEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the hub at <c>/hubs/livesync</c> (WebSockets, Server-Sent Events, long polling), the HTTP API under
    /// <c>/api/docs</c>, and <c>/healthz</c> and <c>/readyz</c>. Throws <see cref="InvalidOperationException"/>
    /// when <c>AddLiveSync()</c> was not called.
    /// </summary>
    public static IEndpointConventionBuilder MapLiveSync(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<LiveSyncMarker>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the LiveSync services. Call 'builder.Services.AddLiveSync()' before 'app.MapLiveSync()'.");
        }

        var group = endpoints.MapGroup(string.Empty);
        group.MapHub<LiveSyncHub>(HubNames.Path, o =>
        {
            o.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling;
        });
        DocumentsApi.Map(group);
        group.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        group.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return group;
    }
}
