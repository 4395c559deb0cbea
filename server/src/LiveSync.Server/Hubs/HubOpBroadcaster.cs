using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Sequencing;
using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Server.Hubs;

/// <summary>
/// Broadcasts sequenced ops to a document's SignalR group. The hub lifetime manager serializes each message once
/// per hub protocol and sends the same bytes to every member; with a backplane, members on other servers too.
/// </summary>
/// <remarks>
/// A batch of several ops goes as one message when the manager is an <see cref="IGroupBatchSender"/> (one write per
/// member and one publish instead of one per op). Otherwise a batch's sends are all started before any is awaited.
/// Either way each send queues its messages on every member's connection before it returns (a connection writes
/// its messages one at a time, first come first served), so the members receive the ops in order, and a batch costs
/// one wait for the slowest member's writes instead of one per op.
/// </remarks>
internal sealed class HubOpBroadcaster(HubLifetimeManager<LiveSyncHub> manager) : IOpBroadcaster
{
    public ValueTask PublishAsync(string docId, IReadOnlyList<SequencedOp> ops)
    {
        var group = HubGroups.Document(docId);
        if (ops.Count == 1)
        {
            return new ValueTask(manager.SendGroupAsync(group, HubNames.OpMessage, [docId, ops[0]]));
        }

        if (manager is IGroupBatchSender batches)
        {
            var arguments = new object?[ops.Count][];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = [docId, ops[i]];
            }

            return new ValueTask(batches.SendGroupBatchAsync(group, HubNames.OpMessage, arguments));
        }

        Task[]? pending = null;
        var count = 0;
        foreach (var op in ops)
        {
            var send = manager.SendGroupAsync(group, HubNames.OpMessage, [docId, op]);
            if (!send.IsCompletedSuccessfully)
            {
                (pending ??= new Task[ops.Count])[count++] = send;
            }
        }

        return pending is null ? ValueTask.CompletedTask : new ValueTask(Task.WhenAll(pending.AsSpan(0, count)));
    }
}
