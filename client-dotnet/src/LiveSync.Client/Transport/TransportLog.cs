using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Transport;

/// <summary>Log messages of the WebSocket transport. Event ids 100-199. Never logs tokens or message contents.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(100, LogLevel.Debug, "Negotiating with {Url}.")]
    public static partial void Negotiating(ILogger logger, string url);

    [LoggerMessage(101, LogLevel.Debug, "Negotiate redirected to {Url}.")]
    public static partial void Redirected(ILogger logger, string url);

    [LoggerMessage(102, LogLevel.Debug, "Opening a WebSocket to {Url}.")]
    public static partial void Connecting(ILogger logger, string url);

    [LoggerMessage(103, LogLevel.Information, "WebSocket connection {ConnectionId} open with {TransferFormat} frames.")]
    public static partial void Connected(ILogger logger, string connectionId, string transferFormat);

    [LoggerMessage(104, LogLevel.Debug, "The server closed WebSocket connection {ConnectionId} with status {Status}.")]
    public static partial void ServerClosed(ILogger logger, string connectionId, string? status);

    [LoggerMessage(105, LogLevel.Debug, "Closing WebSocket connection {ConnectionId}.")]
    public static partial void Closing(ILogger logger, string connectionId);

    [LoggerMessage(106, LogLevel.Warning, "Receiving on WebSocket connection {ConnectionId} failed.")]
    public static partial void ReceiveFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(107, LogLevel.Warning, "Sending on WebSocket connection {ConnectionId} failed.")]
    public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(108, LogLevel.Debug, "The close handshake of WebSocket connection {ConnectionId} timed out; aborting.")]
    public static partial void CloseTimedOut(ILogger logger, string connectionId);

    [LoggerMessage(109, LogLevel.Debug, "WebSocket connection {ConnectionId} aborted.")]
    public static partial void Aborted(ILogger logger, string connectionId);
}
