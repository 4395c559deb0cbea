using System.Text.Json;
using LiveSync.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Tests;

/// <summary>
/// End to end: the SDK against a real LiveSync server on a loopback port, over the real protocol. Each test
/// has its own data directory; document ids are unique all the same.
/// </summary>
public sealed class LiveSyncClientTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "livesync-client-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddLiveSync(o => o.DataDir = _dataDir);
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapLiveSync();
        await _app.StartAsync().Bounded();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync().Bounded();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task TwoClientsEditOneTextDocumentAndConverge()
    {
        await using var alice = await ConnectAsync();
        await using var bob = await ConnectAsync();

        var docId = "e2e-text-" + Guid.NewGuid().ToString("N");
        var a = await alice.OpenAsync(docId, new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("hello") }).Bounded();
        var b = await bob.OpenAsync(docId).Bounded();
        Assert.Equal("hello", b.Text);

        var edits = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            edits.Add(a.InsertAsync(0, "a"));
            edits.Add(b.InsertAsync(b.Text!.Length, "b"));
        }

        await Task.WhenAll(edits).Bounded();
        await Task.WhenAll(a.WhenSettledAsync(), b.WhenSettledAsync()).Bounded();
        var head = Math.Max(a.Version, b.Version);
        await a.WaitForVersionAsync(head, TestTimeouts.Default);
        await b.WaitForVersionAsync(head, TestTimeouts.Default);

        Assert.Equal(a.Text, b.Text);
        Assert.Equal(45, a.Text!.Length);
    }

    [Fact]
    public async Task SharesPresence()
    {
        await using var alice = await ConnectAsync();
        await using var bob = await ConnectAsync();
        var docId = "e2e-presence-" + Guid.NewGuid().ToString("N");
        var a = await alice.OpenAsync(docId, new LiveSyncOpenOptions { CreateType = "text" }).Bounded();
        var b = await bob.OpenAsync(docId).Bounded();
        var seen = new TaskCompletionSource<PresenceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PresenceChanged += (_, e) => seen.TrySetResult(e);

        await b.SetPresenceAsync(JsonSerializer.SerializeToElement(new { cursor = 1 })).Bounded();

        var change = await seen.Task.Bounded();
        Assert.Equal(bob.ClientId, change.ClientId);
        Assert.Equal(1, a.Presence[bob.ClientId].GetProperty("cursor").GetInt32());
    }

    private async Task<LiveSyncClient> ConnectAsync()
    {
        var client = new LiveSyncClient(new LiveSyncClientOptions { ServerUrl = _url });
        await client.ConnectAsync().Bounded();
        return client;
    }
}
