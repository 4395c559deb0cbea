using LiveSync.Client.Transport;
using LiveSync.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client;

/// <summary>Options of a <see cref="LiveSyncClient"/>.</summary>
public sealed class LiveSyncClientOptions
{
    /// <summary>The server's base URL, e.g. <c>https://sync.example.com</c>. Required.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>
    /// This client's id: 8 to 64 characters of <c>A-Z a-z 0-9 _ -</c>, kept across reconnects. Default: a fresh
    /// random id per options instance.
    /// </summary>
    public string ClientId { get; set; } = Identifiers.NewClientId();

    /// <summary>Supplies an access token for each connection attempt, or null for none. Default: null.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>The reconnect policy. Default: <see cref="LiveSyncRetryPolicy"/> from 0.5 s up to 30 s, forever.</summary>
    public IRetryPolicy ReconnectPolicy { get; set; } = new LiveSyncRetryPolicy(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30));

    /// <summary>
    /// How long after the server numbered a submitted change the document waits for that op to arrive on the op
    /// stream before it fetches it. Default: 500 ms.
    /// </summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The hub protocol: <see cref="LiveSyncProtocol.MessagePack"/> (binary frames) or <see cref="LiveSyncProtocol.Json"/>
    /// (text frames). Default: <see cref="LiveSyncProtocol.MessagePack"/>.
    /// </summary>
    public LiveSyncProtocol Protocol { get; set; } = LiveSyncProtocol.MessagePack;

    /// <summary>Adjusts the WebSocket transport (headers, skip negotiation...). Default: null.</summary>
    public Action<WebSocketConnectionOptions>? ConfigureWebSockets { get; set; }

    /// <summary>
    /// Adjusts the hub connection builder after the client's own set-up: replace the hub protocol or the transport
    /// (e.g. the official <c>WithUrl</c>). Default: null, <see cref="Protocol"/> over WebSockets.
    /// </summary>
    public Action<IHubConnectionBuilder>? ConfigureConnection { get; set; }

    /// <summary>Where the client and its hub connection log. Default: null, nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
