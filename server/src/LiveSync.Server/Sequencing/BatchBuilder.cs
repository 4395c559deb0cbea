using LiveSync.Server.Storage;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// The ops one batch adds on top of the committed state: the state after each, the stored form to append, and the
/// clients' new last seqs. Discarded whole when the append loses a race.
/// </summary>
internal sealed class BatchBuilder(DocumentState committed)
{
    public DocumentState Committed { get; } = committed;

    public DocumentState State { get; private set; } = committed;

    public List<StoredOp> Ops { get; } = [];

    public List<AppliedOp> Applied { get; } = [];

    /// <summary>The wire JSON of each op in <see cref="Ops"/> (null for a create or delete), to broadcast without re-encoding.</summary>
    public List<byte[]?> OpJson { get; } = [];

    public Dictionary<string, ClientSeq> Seqs { get; } = new(StringComparer.Ordinal);

    public void Add(StoredOp stored, AppliedOp applied, DocumentState next, byte[]? opJson)
    {
        Ops.Add(stored);
        Applied.Add(applied);
        OpJson.Add(opJson);
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
