using Microsoft.Extensions.Hosting;

namespace LiveSync.Server.Storage;

/// <summary>
/// Starts the registered store with the host, before the server takes requests, when it needs starting (opens
/// files, connects): a store that does implements <see cref="IHostedService"/>. A store that cannot start stops
/// the server from starting, with its reason.
/// </summary>
internal sealed class OpLogStartup(IOpLog store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        store is IHostedService startable ? startable.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        store is IHostedService startable ? startable.StopAsync(cancellationToken) : Task.CompletedTask;
}
