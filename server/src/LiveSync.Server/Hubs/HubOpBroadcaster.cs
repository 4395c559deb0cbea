using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Sequencing;
using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Server.Hubs;

/// <summary>
/// Broadcasts sequenced ops to a document's SignalR group. The hub lifetime manager serializes each message once
/// per hub protocol and sends the same bytes to every member; with a backplane, members on other servers too.
/// </summary>
internal sealed class HubOpBroadcaster(IHubContext<LiveSyncHub> hub) : IOpBroadcaster
{
    public async ValueTask PublishAsync(string docId, IReadOnlyList<SequencedOp> ops)
    {
        var group = hub.Clients.Group(HubGroups.Document(docId));
        foreach (var op in ops)
        {
            await group.SendAsync(HubNames.OpMessage, docId, op);
        }
    }
}
