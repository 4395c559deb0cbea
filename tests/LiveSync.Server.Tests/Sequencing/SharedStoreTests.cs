using System.Text.Json;
using LiveSync.Server.Storage;
using LiveSync.Server.Storage.Memory;
using LiveSync.Server.Tests.Hubs;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Server.Tests.Sequencing;

/// <summary>
/// Two servers on one store, as behind a load balancer: each holds documents in memory, so each must notice when the
/// other moved a document on rather than judge a submission by its own stale copy.
/// </summary>
public sealed class SharedStoreTests : IAsyncLifetime
{
    private readonly InMemoryOpLog _store = new();
    private LiveSyncTestServer _a = null!;
    private LiveSyncTestServer _b = null!;

    public async Task InitializeAsync()
    {
        _a = await LiveSyncTestServer.StartAsync(services: s => s.AddSingleton<IOpLog>(_store));
        _b = await LiveSyncTestServer.StartAsync(services: s => s.AddSingleton<IOpLog>(_store));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_submission_against_a_version_only_the_other_server_sequenced_is_not_ahead()
    {
        await using var onA = await _a.ConnectAsync("client-on-a");
        await using var onB = await _b.ConnectAsync("client-on-b");
        Assert.Equal(1, await LiveSyncHubTests.SubmitAsync(onB, "shared", "client-on-b", 1, 0, create: ("text", "")));

        // B has the document loaded at version 1; A moves it to version 3.
        Assert.Equal(2, await LiveSyncHubTests.SubmitAsync(onA, "shared", "client-on-a", 1, 1, op: "[\"a\"]"));
        Assert.Equal(3, await LiveSyncHubTests.SubmitAsync(onA, "shared", "client-on-a", 2, 2, op: "[\"b\"]"));

        Assert.Equal(4, await LiveSyncHubTests.SubmitAsync(onB, "shared", "client-on-b", 2, 3, op: "[2, \"c\"]"));
        var snapshot = await onB.InvokeAsync<JsonElement>("Snapshot", "shared", null).Within();
        Assert.Equal("bac", snapshot.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_client_that_moves_between_servers_keeps_its_seq_sequence()
    {
        await using var first = await _a.ConnectAsync("roaming-client");
        Assert.Equal(1, await LiveSyncHubTests.SubmitAsync(first, "roam", "roaming-client", 1, 0, create: ("text", "")));
        await using (var elsewhere = await _b.ConnectAsync("roaming-client"))
        {
            Assert.Equal(2, await LiveSyncHubTests.SubmitAsync(elsewhere, "roam", "roaming-client", 2, 1, op: "[\"x\"]"));
            Assert.Equal(3, await LiveSyncHubTests.SubmitAsync(elsewhere, "roam", "roaming-client", 3, 2, op: "[\"y\"]"));
        }

        // Back on the first server, which last saw this client at seq 1: seq 4 follows 3, and 3 again is a duplicate.
        Assert.Equal(4, await LiveSyncHubTests.SubmitAsync(first, "roam", "roaming-client", 4, 3, op: "[\"z\"]"));
        Assert.Equal(3, await LiveSyncHubTests.SubmitAsync(first, "roam", "roaming-client", 3, 2, op: "[\"y\"]"));
    }
}
