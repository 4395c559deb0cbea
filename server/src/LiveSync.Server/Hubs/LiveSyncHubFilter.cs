using LiveSync.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Hubs;

/// <summary>
/// Turns domain failures into hub errors the caller can act on: a <see cref="LiveSyncException"/> becomes a
/// <see cref="HubException"/> whose message is <c>code: explanation</c>. Anything else is logged in full and
/// reaches the caller as SignalR's generic error.
/// </summary>
internal sealed partial class LiveSyncHubFilter(ILogger<LiveSyncHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (LiveSyncException ex)
        {
            throw new HubException(ex.WireMessage);
        }
        catch (Exception ex) when (ex is not HubException and not OperationCanceledException)
        {
            HubUnexpectedError(logger, invocationContext.HubMethodName, ex);
            throw;
        }
    }

    [LoggerMessage(200, LogLevel.Error, "Hub method {Method} failed unexpectedly")]
    private static partial void HubUnexpectedError(ILogger logger, string method, Exception exception);
}
