using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>The hub of the backplane contract suite: the suite drives the lifetime manager, the hub only names connections.</summary>
public sealed class ContractHub : Hub
{
    public string WhoAmI() => Context.ConnectionId;
}

/// <summary>Names a connection's user from the <c>user</c> query parameter, so tests can put one user on several servers.</summary>
internal sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.GetHttpContext()?.Request.Query["user"].ToString() is { Length: > 0 } user ? user : null;
}
