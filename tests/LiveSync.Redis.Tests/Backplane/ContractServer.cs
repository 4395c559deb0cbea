using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// An in-process server of <see cref="ContractHub"/> on a free loopback port, with whatever lifetime manager the
/// test registers: several of them on one Redis act as several servers of one hub.
/// </summary>
public sealed class ContractServer : IAsyncDisposable
{
    public const string HubPath = "/contract";

    private readonly WebApplication _app;

    private ContractServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public HubLifetimeManager<ContractHub> Manager => _app.Services.GetRequiredService<HubLifetimeManager<ContractHub>>();

    public IServiceProvider Services => _app.Services;

    public static async Task<ContractServer> StartAsync(Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR().AddLiveSyncMessagePackProtocol();
        builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();
        configure(builder.Services);
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<ContractHub>(HubPath);
        await app.StartAsync().Within();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ContractServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().Within();
        await _app.DisposeAsync().AsTask().Within();
    }
}
