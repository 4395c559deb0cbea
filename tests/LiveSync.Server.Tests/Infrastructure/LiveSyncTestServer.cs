using LiveSync.Client.Transport;
using LiveSync.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Tests.Infrastructure;

/// <summary>
/// A real LiveSync server in this process: Kestrel on a free loopback port, the embedded store in a temporary
/// directory (or the one given, to restart on it).
/// </summary>
internal sealed class LiveSyncTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDirectory? _ownedDirectory;

    private LiveSyncTestServer(WebApplication app, Uri baseUri, string dataDir, TestDirectory? ownedDirectory)
    {
        _app = app;
        BaseUri = baseUri;
        DataDir = dataDir;
        _ownedDirectory = ownedDirectory;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = Bounded.Default };
    }

    public Uri BaseUri { get; }

    public string DataDir { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public Uri HubUri(string? clientId) =>
        new(BaseUri, clientId is null ? "/hubs/livesync" : "/hubs/livesync?clientId=" + clientId);

    public static async Task<LiveSyncTestServer> StartAsync(
        string? dataDir = null, Action<LiveSyncOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var owned = dataDir is null ? new TestDirectory() : null;
        var dir = dataDir ?? owned!.Path;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLiveSync(o =>
        {
            o.DataDir = dir;
            configure?.Invoke(o);
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapLiveSync();
        await app.StartAsync().Within();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LiveSyncTestServer(app, new Uri(address), dir, owned);
    }

    /// <summary>A stock SignalR hub connection (JSON protocol, WebSockets), started.</summary>
    public async Task<HubConnection> ConnectAsync(string? clientId)
    {
        var connection = new HubConnectionBuilder().WithLiveSyncWebSockets(HubUri(clientId)).Build();
        await connection.StartAsync().Within();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
