using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Client.Transport;

/// <summary>
/// Connects to a SignalR hub over WebSockets: negotiates (unless
/// <see cref="WebSocketConnectionOptions.SkipNegotiation"/>), then opens a <see cref="ClientWebSocket"/> to the hub
/// URL with the connection token. A stand-in for the WebSocket transport of
/// <c>Microsoft.AspNetCore.SignalR.Client</c>, usable with the hub connection of <c>SignalR.Client.Core</c>.
/// </summary>
public sealed class WebSocketConnectionFactory : IConnectionFactory
{
    private readonly WebSocketConnectionOptions _options;
    private readonly TransferFormat _format;
    private readonly ILogger _logger;

    /// <summary>Creates a factory.</summary>
    /// <param name="options">The connection options.</param>
    /// <param name="protocol">The hub protocol, whose transfer format picks text or binary frames; null: text.</param>
    /// <param name="loggerFactory">Where to log; null: nowhere.</param>
    public WebSocketConnectionFactory(WebSocketConnectionOptions options, IHubProtocol? protocol = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _format = protocol?.TransferFormat ?? TransferFormat.Text;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<WebSocketConnectionFactory>();
    }

    /// <summary>Negotiates and opens the WebSocket to <paramref name="endpoint"/>, a <see cref="UriEndPoint"/>.</summary>
    /// <exception cref="NotSupportedException">The endpoint is not a <see cref="UriEndPoint"/>.</exception>
    /// <exception cref="HttpRequestException">The negotiate request failed.</exception>
    /// <exception cref="WebSocketException">The WebSocket could not be opened.</exception>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not UriEndPoint { Uri: { } url })
        {
            throw new NotSupportedException($"{nameof(WebSocketConnectionFactory)} connects to a {nameof(UriEndPoint)}, not a {endpoint.GetType().Name}");
        }

        var accessToken = _options.AccessTokenProvider is null ? null : await _options.AccessTokenProvider().ConfigureAwait(false);
        string? connectionId = null;
        if (!_options.SkipNegotiation)
        {
            var negotiated = await Negotiation.NegotiateAsync(url, accessToken, _options, _format, _logger, cancellationToken).ConfigureAwait(false);
            (url, accessToken, connectionId) = (negotiated.Url, negotiated.AccessToken, negotiated.ConnectionId);
        }

        var wsUrl = Negotiation.ToWebSocketUrl(url, accessToken);
        var socket = new ClientWebSocket();
        try
        {
            foreach (var (name, value) in _options.Headers)
            {
                socket.Options.SetRequestHeader(name, value);
            }

            if (!string.IsNullOrEmpty(accessToken))
            {
                socket.Options.SetRequestHeader("Authorization", new AuthenticationHeaderValue("Bearer", accessToken).ToString());
            }

            _options.ConfigureWebSocket?.Invoke(socket.Options);
            TransportLog.Connecting(_logger, Negotiation.WithoutQuery(wsUrl));
            await socket.ConnectAsync(wsUrl, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        connectionId ??= Guid.NewGuid().ToString("N");
        var connection = new WebSocketConnection(socket, connectionId, _format, _options.CloseTimeout, _logger);
        connection.Start();
        TransportLog.Connected(_logger, connectionId, _format.ToString());
        return connection;
    }
}
