using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Transport;

/// <summary>
/// Registers the WebSocket transport on a hub connection builder. With the official
/// <c>Microsoft.AspNetCore.SignalR.Client</c> package, <c>WithUrl(url, o => ...)</c> replaces this call.
/// </summary>
public static class LiveSyncWebSocketsExtensions
{
    /// <summary>
    /// Makes the hub connection connect to <paramref name="url"/> over a WebSocket made by
    /// <see cref="WebSocketConnectionFactory"/>, with text or binary frames as the hub protocol needs.
    /// </summary>
    /// <param name="hubConnectionBuilder">The builder.</param>
    /// <param name="url">The hub's URL (http, https, ws or wss), query included.</param>
    /// <param name="configure">Adjusts the connection options; null: the defaults.</param>
    /// <returns>The same builder.</returns>
    public static IHubConnectionBuilder WithLiveSyncWebSockets(
        this IHubConnectionBuilder hubConnectionBuilder,
        Uri url,
        Action<WebSocketConnectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(hubConnectionBuilder);
        ArgumentNullException.ThrowIfNull(url);

        var options = new WebSocketConnectionOptions();
        configure?.Invoke(options);

        hubConnectionBuilder.Services.AddSingleton<EndPoint>(new UriEndPoint(url));
        hubConnectionBuilder.Services.AddSingleton<IConnectionFactory>(services => new WebSocketConnectionFactory(
            options,
            services.GetService<IHubProtocol>(),
            services.GetService<ILoggerFactory>()));
        return hubConnectionBuilder;
    }
}
