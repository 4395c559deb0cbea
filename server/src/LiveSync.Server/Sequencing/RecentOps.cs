namespace LiveSync.Server.Sequencing;

/// <summary>
/// A ring of a document's most recent applied ops, indexed by version, so a slightly stale submission is
/// transformed without a storage read. Owned by one sequencer loop: not thread-safe.
/// </summary>
internal sealed class RecentOps
{
    private readonly AppliedOp[] _ring;

    public RecentOps(int capacity) => _ring = new AppliedOp[capacity];

    public void Add(in AppliedOp op) => _ring[op.V % _ring.Length] = op;

    public bool TryGet(long v, out AppliedOp op)
    {
        op = _ring[v % _ring.Length];
        return op.V == v && v > 0;
    }

    public void Clear() => Array.Clear(_ring);
}
