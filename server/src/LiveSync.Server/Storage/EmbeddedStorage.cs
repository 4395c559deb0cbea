using LiveSync.Server.Storage.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Server.Storage;

/// <summary>
/// The default store: a <see cref="FileOpLog"/> in <see cref="LiveSyncOptions.DataDir"/>, opened when the host
/// starts (so a second process on the same directory fails to start, saying why) and closed when it stops.
/// </summary>
internal sealed class EmbeddedStorage(IOptions<LiveSyncOptions> options, ILoggerFactory loggerFactory) : IOpLog, IHostedService, IAsyncDisposable
{
    private FileOpLog? _log;

    public static void TryAdd(IServiceCollection services)
    {
        services.TryAddSingleton<EmbeddedStorage>();
        services.TryAddSingleton<IOpLog>(sp => sp.GetRequiredService<EmbeddedStorage>());
    }

    private FileOpLog Log => _log ?? throw new InvalidOperationException("The embedded store is used before the host started it.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _log = await FileOpLog.OpenAsync(
            new EmbeddedStorageOptions { DataDir = o.DataDir, Durability = o.Durability },
            loggerFactory.CreateLogger<FileOpLog>());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_log is { } log)
        {
            _log = null;
            await log.DisposeAsync();
        }
    }

    public ValueTask<LogHead> ReadHeadAsync(string docId, CancellationToken cancellationToken = default) =>
        Log.ReadHeadAsync(docId, cancellationToken);

    public ValueTask<IReadOnlyList<StoredOp>> ReadOpsAsync(string docId, long from, long to, int limit, CancellationToken cancellationToken = default) =>
        Log.ReadOpsAsync(docId, from, to, limit, cancellationToken);

    public ValueTask<AppendResult> AppendAsync(string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken = default) =>
        Log.AppendAsync(docId, expectedHead, ops, cancellationToken);

    public ValueTask<ClientSeq?> ReadClientSeqAsync(string docId, string clientId, CancellationToken cancellationToken = default) =>
        Log.ReadClientSeqAsync(docId, clientId, cancellationToken);

    public ValueTask<StoredSnapshot?> ReadSnapshotAsync(string docId, long maxV, CancellationToken cancellationToken = default) =>
        Log.ReadSnapshotAsync(docId, maxV, cancellationToken);

    public ValueTask WriteSnapshotAsync(string docId, StoredSnapshot snapshot, CancellationToken cancellationToken = default) =>
        Log.WriteSnapshotAsync(docId, snapshot, cancellationToken);
}
