using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Transport;

/// <summary>
/// The SignalR negotiate step, version 1: <c>POST {url}/negotiate?negotiateVersion=1</c> answers either
/// <c>{ connectionId, connectionToken, negotiateVersion, availableTransports: [{ transport, transferFormats }] }</c>,
/// a redirect <c>{ url, accessToken? }</c> to negotiate with instead (the token then replaces the caller's), or
/// <c>{ error }</c>. The WebSocket then goes to the hub URL with <c>id=</c> the connection token.
/// </summary>
internal static class Negotiation
{
    /// <summary>The same limit as the official client.</summary>
    private const int MaxRedirects = 100;

    /// <summary>The outcome: where to open the WebSocket and with which token.</summary>
    public readonly record struct Result(Uri Url, string? AccessToken, string? ConnectionId);

    public static async Task<Result> NegotiateAsync(
        Uri url,
        string? accessToken,
        WebSocketConnectionOptions options,
        TransferFormat format,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        using var handler = options.HttpMessageHandlerFactory?.Invoke() ?? new SocketsHttpHandler();
        using var http = new HttpClient(handler, disposeHandler: false);

        for (var redirects = 0; redirects <= MaxRedirects; redirects++)
        {
            var negotiateUrl = AppendQuery(AppendPath(url, "negotiate"), "negotiateVersion", "1");
            TransportLog.Negotiating(logger, WithoutQuery(negotiateUrl));

            using var request = new HttpRequestMessage(HttpMethod.Post, negotiateUrl) { Content = new ByteArrayContent([]) };
            foreach (var (name, value) in options.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (!string.IsNullOrEmpty(accessToken))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }

            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    $"negotiate failed with HTTP {(int)response.StatusCode} ({response.ReasonPhrase})",
                    inner: null,
                    response.StatusCode);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;

            if (root.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"the server refused the connection: {error.GetString()}");
            }

            if (root.TryGetProperty("url", out var redirect) && redirect.GetString() is { Length: > 0 } redirectUrl)
            {
                url = new Uri(redirectUrl);
                if (root.TryGetProperty("accessToken", out var redirectToken) && redirectToken.GetString() is { } token)
                {
                    accessToken = token;
                }

                TransportLog.Redirected(logger, WithoutQuery(url));
                continue;
            }

            var version = root.TryGetProperty("negotiateVersion", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
            var connectionId = root.TryGetProperty("connectionId", out var id) ? id.GetString() : null;
            var connectionToken = version >= 1 && root.TryGetProperty("connectionToken", out var ct) ? ct.GetString() : connectionId;
            if (string.IsNullOrEmpty(connectionToken))
            {
                throw new InvalidOperationException("the negotiate response has no connection token");
            }

            RequireWebSockets(root, format);
            return new Result(AppendQuery(url, "id", connectionToken), accessToken, connectionId);
        }

        throw new InvalidOperationException($"negotiate redirected more than {MaxRedirects} times");
    }

    /// <summary>The hub URL as a WebSocket URL: <c>http</c> becomes <c>ws</c>, <c>https</c> becomes <c>wss</c>.</summary>
    public static Uri ToWebSocketUrl(Uri url, string? accessToken)
    {
        var builder = new UriBuilder(url)
        {
            Scheme = url.Scheme switch
            {
                "http" or "ws" => "ws",
                "https" or "wss" => "wss",
                _ => throw new ArgumentException($"'{url.Scheme}' is not an http, https, ws or wss URL", nameof(url)),
            },
        };

        var wsUrl = builder.Uri;
        return string.IsNullOrEmpty(accessToken) ? wsUrl : AppendQuery(wsUrl, "access_token", accessToken);
    }

    /// <summary>The URL without its query, for logs: the query may hold a token.</summary>
    public static string WithoutQuery(Uri url) => url.GetLeftPart(UriPartial.Path);

    private static void RequireWebSockets(JsonElement root, TransferFormat format)
    {
        if (!root.TryGetProperty("availableTransports", out var transports) || transports.ValueKind != JsonValueKind.Array)
        {
            // A server that lists nothing still gets a try; the WebSocket request will tell.
            return;
        }

        var wanted = format == TransferFormat.Binary ? "Binary" : "Text";
        foreach (var transport in transports.EnumerateArray())
        {
            if (transport.TryGetProperty("transport", out var name) && name.GetString() == "WebSockets"
                && transport.TryGetProperty("transferFormats", out var formats)
                && formats.EnumerateArray().Any(f => f.GetString() == wanted))
            {
                return;
            }
        }

        throw new InvalidOperationException($"the server does not offer WebSockets with {wanted} frames");
    }

    private static Uri AppendPath(Uri url, string segment)
    {
        var builder = new UriBuilder(url);
        builder.Path = builder.Path.TrimEnd('/') + "/" + segment;
        return builder.Uri;
    }

    private static Uri AppendQuery(Uri url, string name, string value)
    {
        var builder = new UriBuilder(url);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }
}
