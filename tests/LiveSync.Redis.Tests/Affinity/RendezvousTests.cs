using LiveSync.Redis.Affinity;

namespace LiveSync.Redis.Tests.Affinity;

/// <summary>The owner choice: every server computes the same one, documents spread, and a server leaving moves only its own.</summary>
public sealed class RendezvousTests
{
    private static readonly string[] Servers = ["3f2a9c0d5e6b47a8b1c2d3e4f5a6b7c8", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "ffeeddccbbaa99887766554433221100"];

    private static readonly string[] Documents = [.. Enumerable.Range(0, 3000).Select(i => $"notes:{i}")];

    [Fact]
    public void The_owner_does_not_depend_on_the_order_servers_are_listed_in()
    {
        foreach (var doc in Documents.Take(200))
        {
            var owner = Rendezvous.Owner(doc, Servers);
            Assert.Equal(owner, Rendezvous.Owner(doc, Servers.Reverse()));
            Assert.Equal(owner, Rendezvous.Owner(doc, [Servers[1], Servers[2], Servers[0]]));
        }
    }

    [Fact]
    public void The_hash_is_fixed_so_separate_processes_agree()
    {
        // Pinned values: a change of the hash would make servers of two versions disagree on every owner.
        Assert.Equal(Rendezvous.Hash("notes:1"), Rendezvous.Hash(new string("notes:1".ToCharArray())));
        Assert.Equal(0xB1432ACC9C02C925UL, Rendezvous.Hash("notes:1"));
        Assert.Equal(Servers[2], Rendezvous.Owner("notes:1", Servers));
    }

    [Fact]
    public void Documents_spread_evenly_over_the_servers()
    {
        var counts = Documents.GroupBy(doc => Rendezvous.Owner(doc, Servers)!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Servers.Length, counts.Count);
        foreach (var count in counts.Values)
        {
            // 1000 expected each; a binomial spread stays well inside this.
            Assert.InRange(count, 850, 1150);
        }
    }

    [Fact]
    public void A_server_leaving_moves_only_the_documents_it_owned_and_spreads_them()
    {
        var before = Documents.ToDictionary(doc => doc, doc => Rendezvous.Owner(doc, Servers)!);
        var gone = Servers[1];
        var left = Servers.Where(s => s != gone).ToArray();
        var moved = new Dictionary<string, int>();
        foreach (var doc in Documents)
        {
            var after = Rendezvous.Owner(doc, left)!;
            if (before[doc] == gone)
            {
                moved[after] = moved.GetValueOrDefault(after) + 1;
            }
            else
            {
                Assert.Equal(before[doc], after);
            }
        }

        // The dead server's documents go to both survivors, not all to one.
        Assert.Equal(2, moved.Count);
        Assert.All(moved.Values, count => Assert.InRange(count, 350, 650));

        // And a server joining takes documents only from the others, about its share.
        var joined = "00000000000000000000000000000001";
        var taken = Documents.Count(doc => Rendezvous.Owner(doc, [.. Servers, joined]) == joined);
        Assert.InRange(taken, 600, 900);
        Assert.All(Documents, doc =>
        {
            var owner = Rendezvous.Owner(doc, [.. Servers, joined]);
            Assert.True(owner == joined || owner == before[doc]);
        });
    }

    [Fact]
    public void No_servers_means_no_owner()
    {
        Assert.Null(Rendezvous.Owner("notes:1", []));
    }

    [Fact]
    public void Membership_answers_the_rendezvous_owner_and_passes_a_suspect_over_until_it_is_cleared()
    {
        var membership = new AffinityMembership(Servers[0], TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        Assert.Null(membership.OwnerOf("notes:1"));

        Assert.True(membership.Update(Servers.Reverse()));
        Assert.False(membership.Update(Servers));
        Assert.Equal(Servers.Order(StringComparer.Ordinal), membership.Servers);
        var doc = Documents.First(d => Rendezvous.Owner(d, Servers) == Servers[1]);
        Assert.Equal(Servers[1], membership.OwnerOf(doc));

        // A failed owner is passed over: its documents go to the runner-up, as if it had left.
        Assert.True(membership.Suspect(Servers[1]));
        Assert.False(membership.Suspect(Servers[1]));
        Assert.Equal(Rendezvous.Owner(doc, [Servers[0], Servers[2]]), membership.OwnerOf(doc));

        // This server never suspects itself.
        Assert.False(membership.Suspect(Servers[0]));

        membership.Clear();
        Assert.Null(membership.OwnerOf(doc));
    }

    [Fact]
    public void Membership_not_refreshed_within_its_validity_knows_no_owner()
    {
        // Valid until a millisecond before it was read: as if the heartbeat had stalled for longer than the deadline.
        var membership = new AffinityMembership(Servers[0], TimeSpan.FromMilliseconds(-1), TimeSpan.FromMinutes(1));
        membership.Update(Servers);
        Assert.Null(membership.OwnerOf("notes:1"));
    }
}
