using System.Net.WebSockets;

namespace LiveSync.Client.Transport;

/// <summary>
/// Options of the SignalR WebSocket connection made by <see cref="WebSocketConnectionFactory"/>: how to
/// authenticate, whether to negotiate first, and hooks to adjust the HTTP and WebSocket clients.
/// </summary>
public sealed class WebSocketConnectionOptions
{
    /// <summary>
    /// Supplies the access token, or null for none. It is sent as <c>Authorization: Bearer</c> on the negotiate
    /// request and as both that header and the <c>access_token</c> query parameter on the WebSocket request.
    /// Called once per connection attempt. Default: null.
    /// </summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// When true, connects the WebSocket straight to the hub URL without the negotiate request. Only works
    /// against a server that accepts WebSockets on every instance (no sticky-session redirect). Default: false.
    /// </summary>
    public bool SkipNegotiation { get; set; }

    /// <summary>Extra headers sent on the negotiate and WebSocket requests. Default: none.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How long a clean close waits for the other side's close frame before the socket is aborted.
    /// Default: 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Makes the handler for the negotiate request (for example to trust a test certificate). The handler is
    /// disposed after the request. Default: null, a plain <see cref="SocketsHttpHandler"/>.
    /// </summary>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>Adjusts the <see cref="ClientWebSocketOptions"/> before each connect. Default: null.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }
}
