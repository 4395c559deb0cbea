using LiveSync.Server.Storage.Memory;

namespace LiveSync.Server.Tests.Storage.Memory;

public sealed class InMemoryOpLogContractTests : OpLogContractTests<InMemoryOpLog>
{
    protected override Task<InMemoryOpLog> CreateLogAsync() => Task.FromResult(new InMemoryOpLog());
}
