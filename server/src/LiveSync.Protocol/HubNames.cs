namespace LiveSync.Protocol;

/// <summary>The wire names of the hub: its path, its methods and the client methods it calls. The one table of them.</summary>
public static class HubNames
{
    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/livesync";

    /// <summary>The query parameter naming the connection's client id.</summary>
    public const string ClientIdQuery = "clientId";

    /// <summary>Client to server: open a document.</summary>
    public const string Open = "Open";

    /// <summary>Client to server: close a document.</summary>
    public const string Close = "Close";

    /// <summary>Client to server: submit a change.</summary>
    public const string Submit = "Submit";

    /// <summary>Client to server: read a range of ops.</summary>
    public const string Fetch = "Fetch";

    /// <summary>Client to server: read a snapshot.</summary>
    public const string Snapshot = "Snapshot";

    /// <summary>Client to server: set or clear this client's presence on a document.</summary>
    public const string SetPresence = "SetPresence";

    /// <summary>Client to server: the connection's client id.</summary>
    public const string WhoAmI = "WhoAmI";

    /// <summary>Server to client: a sequenced op of an open document.</summary>
    public const string OpMessage = "op";

    /// <summary>Server to client: another client's presence changed or it left.</summary>
    public const string PresenceMessage = "presence";

    /// <summary>The most ops one <c>Fetch</c> returns.</summary>
    public const int MaxFetch = 1000;
}
