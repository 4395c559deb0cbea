using System.Text.Json;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// The ops one batch adds on top of the committed state: the state after each, the stored form to append, and the
/// clients' new last seqs. Discarded whole when the append loses a race. One per sequencer, reused for each batch
/// (<see cref="Reset"/>): the loop builds one batch at a time and the store reads the ops only during the append.
/// </summary>
internal sealed class BatchBuilder
{
    public DocumentState Committed { get; private set; } = DocumentState.Empty;

    public DocumentState State { get; private set; } = DocumentState.Empty;

    public List<StoredOp> Ops { get; } = [];

    public List<AppliedOp> Applied { get; } = [];

    /// <summary>The wire form of each op in <see cref="Ops"/> (null for a create or delete), to broadcast without re-encoding.</summary>
    public List<JsonElement?> WireOps { get; } = [];

    public Dictionary<string, ClientSeq> Seqs { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts a new, empty batch on top of <paramref name="committed"/>.</summary>
    public void Reset(DocumentState committed)
    {
        Committed = committed;
        State = committed;
        Ops.Clear();
        Applied.Clear();
        WireOps.Clear();
        Seqs.Clear();
    }

    public void Add(StoredOp stored, AppliedOp applied, DocumentState next, JsonElement? wireOp)
    {
        Ops.Add(stored);
        Applied.Add(applied);
        WireOps.Add(wireOp);
        Seqs[stored.ClientId] = new ClientSeq(stored.Seq, stored.V);
        State = next;
    }

    /// <summary>The applied op at version <paramref name="v"/> if this batch produced it.</summary>
    public bool TryGet(long v, out AppliedOp op)
    {
        var index = v - Committed.V - 1;
        if (index >= 0 && index < Applied.Count)
        {
            op = Applied[(int)index];
            return true;
        }

        op = default;
        return false;
    }
}
