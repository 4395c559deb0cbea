using LiveSync.Server.Sequencing;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Tests.Sequencing;

/// <summary>
/// The ring of recent ops grows as a document's versions accumulate, and holds every op of the last capacity
/// versions, as a ring allocated at full size would.
/// </summary>
public sealed class RecentOpsTests
{
    [Fact]
    public void A_document_with_few_versions_keeps_a_small_ring()
    {
        var recent = new RecentOps(256);
        for (var v = 1; v <= 5; v++)
        {
            recent.Add(Op(v));
        }

        Assert.Equal(RecentOps.InitialSize, recent.Size);
        for (var v = 1; v <= 5; v++)
        {
            Assert.True(recent.TryGet(v, out var op));
            Assert.Equal(v, op.V);
        }
    }

    [Theory]
    [InlineData(256)]
    [InlineData(100)]
    [InlineData(3)]
    public void Every_op_of_the_last_capacity_versions_is_held_and_the_ring_never_outgrows_the_capacity(int capacity)
    {
        var recent = new RecentOps(capacity);
        for (var newest = 1; newest <= 4 * capacity + 10; newest++)
        {
            recent.Add(Op(newest));
            Assert.True(recent.Size <= capacity);
            for (var v = Math.Max(1, newest - capacity + 1); v <= newest; v++)
            {
                Assert.True(recent.TryGet(v, out var op), $"version {v} with {newest} the newest");
                Assert.Equal(v, op.V);
            }
        }

        Assert.Equal(capacity, recent.Size);
        Assert.False(recent.TryGet(4 * capacity + 10 - capacity, out _));
    }

    [Fact]
    public void Versions_added_with_gaps_are_held_like_a_full_sized_ring_holds_them()
    {
        const int capacity = 64;
        var random = new Random(7);
        var recent = new RecentOps(capacity);
        var full = new AppliedOp[capacity];
        long newest = 0;
        for (var i = 0; i < 2_000; i++)
        {
            // Mostly the next version; now and then a jump, as after a catch-up read past ops held elsewhere.
            newest += random.Next(10) == 0 ? random.Next(2, 3 * capacity) : 1;
            recent.Add(Op(newest));
            full[newest % capacity] = Op(newest);
            for (var v = Math.Max(1, newest - capacity + 1); v <= newest; v++)
            {
                var inFull = full[v % capacity].V == v;
                Assert.Equal(inFull, recent.TryGet(v, out var op));
                if (inFull)
                {
                    Assert.Equal(v, op.V);
                }
            }
        }
    }

    [Fact]
    public void A_version_that_lands_on_a_held_one_after_one_doubling_grows_the_ring_further()
    {
        var recent = new RecentOps(64);
        recent.Add(Op(5));

        // 21 takes 5's slot in a ring of 8 and again in one of 16; a ring of 64 holds both.
        recent.Add(Op(5 + (2 * RecentOps.InitialSize)));

        Assert.True(recent.TryGet(5, out _));
        Assert.True(recent.TryGet(21, out _));
        Assert.Equal(4 * RecentOps.InitialSize, recent.Size);
    }

    [Fact]
    public void Cleared_ring_holds_nothing_and_takes_ops_again()
    {
        var recent = new RecentOps(256);
        for (var v = 1; v <= 40; v++)
        {
            recent.Add(Op(v));
        }

        recent.Clear();
        Assert.False(recent.TryGet(40, out _));
        recent.Add(Op(900));
        Assert.True(recent.TryGet(900, out var op));
        Assert.Equal(900, op.V);
    }

    private static AppliedOp Op(long v) => new(v, OpKind.Op, Type: null, Op: v);
}
