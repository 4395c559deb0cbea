using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Server;

internal sealed class LiveSyncBuilder(IServiceCollection services) : ILiveSyncBuilder
{
    public IServiceCollection Services { get; } = services;
}
