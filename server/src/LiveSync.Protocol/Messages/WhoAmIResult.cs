namespace LiveSync.Protocol.Messages;

/// <summary>The reply to <c>WhoAmI</c>.</summary>
/// <param name="ClientId">The client id this connection speaks for.</param>
public sealed record WhoAmIResult(string ClientId);
