namespace LiveSync.Server.Sequencing;

/// <summary>
/// A ring of a document's most recent applied ops, indexed by version, so a slightly stale submission is
/// transformed without a storage read. Owned by one sequencer loop: not thread-safe.
/// </summary>
/// <remarks>
/// The ring starts small and doubles, up to its capacity, whenever an op would push out one that a full-sized ring
/// would still hold; so it keeps exactly what a ring allocated at full capacity keeps, but a document with few
/// versions in memory (most loaded documents) does not pay for all of it.
/// </remarks>
internal sealed class RecentOps
{
    internal const int InitialSize = 8;

    private readonly int _capacity;
    private AppliedOp[] _ring;

    public RecentOps(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ring = new AppliedOp[Math.Min(capacity, InitialSize)];
    }

    /// <summary>How many ops the ring has room for now; grows to the capacity as it is needed.</summary>
    internal int Size => _ring.Length;

    public void Add(in AppliedOp op)
    {
        while (_ring.Length < _capacity && WouldPushOutKept(_ring[op.V % _ring.Length].V, op.V))
        {
            Grow();
        }

        _ring[op.V % _ring.Length] = op;
    }

    public bool TryGet(long v, out AppliedOp op)
    {
        op = _ring[v % _ring.Length];
        return op.V == v && v > 0;
    }

    public void Clear() => Array.Clear(_ring);

    // Whether replacing the op held at version held by the one at v loses an op a full-sized ring would keep.
    private bool WouldPushOutKept(long held, long v) => held > 0 && held != v && v - held < _capacity;

    private void Grow()
    {
        var grown = new AppliedOp[Math.Min((long)_ring.Length * 2, _capacity)];
        foreach (var op in _ring)
        {
            // Where two held ops land on one slot of the larger ring, the newer one is kept, as the ring would.
            ref var slot = ref grown[op.V % grown.Length];
            if (op.V > slot.V)
            {
                slot = op;
            }
        }

        _ring = grown;
    }
}
