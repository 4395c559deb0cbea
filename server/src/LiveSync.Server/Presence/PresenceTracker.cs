using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Server.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Presence;

/// <summary>
/// The hub's way to presence: forwards to the <see cref="IPresenceStore"/> (the in-process one unless a scale-out
/// adapter registered another) and tells a document's subscribers when the store clears an entry by itself, e.g.
/// because the server that held the client died.
/// </summary>
internal sealed partial class PresenceTracker
{
    private readonly IPresenceStore _store;
    private readonly IHubContext<LiveSyncHub> _hub;
    private readonly ILogger _logger;

    public PresenceTracker(IHubContext<LiveSyncHub> hub, ILogger<PresenceTracker> logger, IPresenceStore store)
    {
        _hub = hub;
        _logger = logger;
        _store = store;
        _store.SetExpiredHandler(OnExpiredAsync);
    }

    /// <summary>Sets <paramref name="clientId"/>'s presence on the document.</summary>
    public ValueTask SetAsync(string docId, string clientId, string connectionId, JsonElement presence) =>
        _store.SetAsync(docId, clientId, connectionId, presence);

    /// <summary>Clears the presence <paramref name="connectionId"/> set for <paramref name="clientId"/>; false when it had none.</summary>
    public ValueTask<bool> RemoveAsync(string docId, string clientId, string connectionId) =>
        _store.RemoveAsync(docId, clientId, connectionId);

    /// <summary>The presence of every client on the document but <paramref name="exceptClientId"/>.</summary>
    public ValueTask<IReadOnlyDictionary<string, JsonElement>> OthersAsync(string docId, string exceptClientId) =>
        _store.OthersAsync(docId, exceptClientId);

    private async ValueTask OnExpiredAsync(string docId, string clientId)
    {
        try
        {
            await _hub.Clients.Group(HubGroups.Document(docId)).SendAsync(HubNames.PresenceMessage, docId, clientId, null);
        }
        catch (Exception ex)
        {
            PresenceExpiredSendFailed(_logger, docId, clientId, ex);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Telling {DocId}'s subscribers that client {ClientId} left failed.")]
    private static partial void PresenceExpiredSendFailed(ILogger logger, string docId, string clientId, Exception exception);
}
