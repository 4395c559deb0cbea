using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Tests.Transport;

/// <summary>A real ASP.NET Core SignalR server on a loopback port with a tiny echo hub, for the transport tests.</summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public Uri HubUrl => new(BaseUrl, "/echo");

    /// <summary>Every HTTP request the server saw: path, Authorization header and access_token query.</summary>
    public ConcurrentQueue<SeenRequest> Requests => _app.Services.GetRequiredService<ConcurrentQueue<SeenRequest>>();

    /// <summary>Completes with the connection id of each hub connection that goes away.</summary>
    public Channel<string> Disconnects => _app.Services.GetRequiredService<Channel<string>>();

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 1024 * 1024);
        builder.Services.AddSingleton(new ConcurrentQueue<SeenRequest>());
        builder.Services.AddSingleton(Channel.CreateUnbounded<string>());

        var app = builder.Build();
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            context.RequestServices.GetRequiredService<ConcurrentQueue<SeenRequest>>().Enqueue(new SeenRequest(
                context.Request.Path,
                context.Request.Headers.Authorization.ToString(),
                context.Request.Query["access_token"].ToString(),
                context.WebSockets.IsWebSocketRequest));
            await next(context);
        });

        app.MapHub<EchoHub>("/echo");

        var address = default(Uri);
        app.MapPost("/redirect/negotiate", (HttpContext context) =>
            Results.Json(new { url = new Uri(address!, "/echo").ToString(), accessToken = "redirected-token" }));
        app.MapPost("/refuse/negotiate", () => Results.Json(new { error = "no entry" }));

        await app.StartAsync().Bounded();
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new EchoServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().Bounded();
        await _app.DisposeAsync();
    }

    public sealed record SeenRequest(string Path, string Authorization, string AccessTokenQuery, bool IsWebSocket);

    public sealed class EchoHub(Channel<string> disconnects) : Hub
    {
        public string Echo(string text) => text;

        public Task Tell(string text) => Clients.Caller.SendAsync("told", text);

        public void Leave() => Context.Abort();

        public string Query(string name) => Context.GetHttpContext()!.Request.Query[name].ToString();

        public override Task OnDisconnectedAsync(Exception? exception)
        {
            disconnects.Writer.TryWrite(Context.ConnectionId);
            return Task.CompletedTask;
        }
    }
}
