using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server.Tests.Storage.Embedded;

/// <summary>The same contract with acknowledgement on write and a periodic fsync.</summary>
public sealed class FileOpLogBatchedContractTests : OpLogContractTests<FileOpLog>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<FileOpLog> CreateLogAsync() =>
        FileOpLog.OpenAsync(new EmbeddedStorageOptions
        {
            DataDir = _directory.Path,
            Durability = EmbeddedDurability.Batched,
            FlushInterval = TimeSpan.FromMilliseconds(50),
        });

    public void Dispose() => _directory.Dispose();
}
