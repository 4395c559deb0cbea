using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// Delivers sequenced ops to a document's subscribers. Called after the ops are durable, in version order, one
/// call at a time per document. Delivery may be lossy (clients fetch gaps from the log), but must keep order.
/// </summary>
public interface IOpBroadcaster
{
    /// <summary>Sends <paramref name="ops"/> (consecutive versions, ascending) to every subscriber of <paramref name="docId"/>.</summary>
    ValueTask PublishAsync(string docId, IReadOnlyList<SequencedOp> ops);
}
