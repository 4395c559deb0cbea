using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiveSync.Server.Storage;

/// <summary>Ready when the store answers a head read.</summary>
internal sealed class OpLogHealthCheck(IOpLog store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ReadHeadAsync("livesync-readiness", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("storage cannot be reached", ex);
        }
    }
}
