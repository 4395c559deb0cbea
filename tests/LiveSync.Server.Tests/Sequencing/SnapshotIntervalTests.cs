using System.Net;
using System.Text;
using System.Text.Json;
using LiveSync.Server.Storage;
using LiveSync.Server.Storage.Memory;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveSync.Server.Tests.Sequencing;

/// <summary>Which versions a server snapshots: every interval for small documents, less often for large ones.</summary>
public sealed class SnapshotIntervalTests
{
    [Fact]
    public async Task A_large_document_is_snapshotted_at_a_multiple_of_the_interval_and_a_small_one_at_every_interval()
    {
        var log = new InMemoryOpLog();
        await using var server = await LiveSyncTestServer.StartAsync(
            configure: o =>
            {
                o.SnapshotInterval = 10;
                o.MaxOpBytes = 1024 * 1024; // the large document's create carries it all
            },
            services: s => s.Replace(ServiceDescriptor.Singleton<IOpLog>(log)));

        // 200,000 code points: over twice the large-document size and under four times, so every 2 × 10 versions.
        var large = new string('x', 200_000);
        foreach (var (doc, data) in new[] { ("large", large), ("small", "abc") })
        {
            await PostAsync(server, doc, JsonSerializer.Serialize(new { v = 0, create = new { type = "text", data } }));
            for (var seq = 1; seq <= 44; seq++)
            {
                await PostAsync(server, doc, $$"""{"clientId":"snap-client","seq":{{seq}},"v":{{seq}},"op":[1,"{{seq % 10}}"]}""");
            }
        }

        // Snapshots are written after the ops are acknowledged, so wait for the last one of each document.
        await Bounded.UntilAsync(async () => (await log.ReadSnapshotAsync("large", 45))?.V == 40, "the large document's snapshot at 40");
        await Bounded.UntilAsync(async () => (await log.ReadSnapshotAsync("small", 45))?.V == 40, "the small document's snapshot at 40");

        Assert.Null(await log.ReadSnapshotAsync("large", 19).Within());
        Assert.Equal(20, (await log.ReadSnapshotAsync("large", 39).Within())!.V);
        Assert.Equal(10, (await log.ReadSnapshotAsync("small", 19).Within())!.V);
        Assert.Equal(30, (await log.ReadSnapshotAsync("small", 39).Within())!.V);

        // Reads between snapshots replay the ops after the one before.
        using var response = await server.Http.GetAsync("/api/docs/large?v=37").Within();
        var read = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(200_036, read.GetProperty("data").GetString()!.Length);
    }

    private static async Task PostAsync(LiveSyncTestServer server, string docId, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync($"/api/docs/{docId}/ops", content).Within();
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
