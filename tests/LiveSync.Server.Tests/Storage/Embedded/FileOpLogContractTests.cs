using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server.Tests.Storage.Embedded;

public sealed class FileOpLogContractTests : OpLogContractTests<FileOpLog>, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override Task<FileOpLog> CreateLogAsync() =>
        FileOpLog.OpenAsync(new EmbeddedStorageOptions { DataDir = _directory.Path });

    public void Dispose() => _directory.Dispose();
}
