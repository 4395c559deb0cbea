namespace LiveSync.Server.Hubs;

/// <summary>Names of the SignalR groups LiveSync uses: one per document, holding its subscribed connections.</summary>
internal static class HubGroups
{
    public static string Document(string docId) => "doc:" + docId;
}
