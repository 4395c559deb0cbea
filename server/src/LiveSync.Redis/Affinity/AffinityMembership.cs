using System.Collections.Concurrent;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// The servers that own documents, as this server last read them (<see cref="Update"/>, every heartbeat), and the
/// owner of a document among them. Servers that briefly disagree (one has seen a server join or leave, another not
/// yet) both sequence some documents: that costs append races, never correctness. Thread-safe; reads take no lock.
/// </summary>
internal sealed class AffinityMembership(string self, TimeSpan validFor, TimeSpan suspectFor)
{
    private readonly ConcurrentDictionary<string, long> _suspects = new(StringComparer.Ordinal);
    private volatile View _view = new([], long.MinValue);

    /// <summary>This server's id.</summary>
    public string Self => self;

    /// <summary>The servers last read, sorted.</summary>
    public IReadOnlyList<string> Servers => Array.ConvertAll(_view.Members, m => m.Id);

    /// <summary>
    /// The server that should sequence <paramref name="docId"/>: this one, another one, or null when none is known
    /// (not read yet, or not refreshed for so long that the others may have counted this server gone).
    /// </summary>
    public string? OwnerOf(string docId)
    {
        var view = _view;
        if (view.Members.Length == 0 || Environment.TickCount64 > view.ValidUntil)
        {
            return null;
        }

        var docHash = Rendezvous.Hash(docId);
        return _suspects.IsEmpty
            ? Rendezvous.Owner(docHash, view.Members)
            : Rendezvous.Owner(docHash, WithoutSuspects(view.Members));
    }

    /// <summary>Replaces the servers with <paramref name="serverIds"/>, read just now; true when the set changed.</summary>
    public bool Update(IEnumerable<string> serverIds)
    {
        var ids = serverIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var old = _view;
        var changed = !old.Members.Select(m => m.Id).SequenceEqual(ids, StringComparer.Ordinal);
        var members = changed ? Array.ConvertAll(ids, id => new Rendezvous.Member(id)) : old.Members;
        _view = new View(members, Environment.TickCount64 + (long)validFor.TotalMilliseconds);

        // Suspicions of servers no longer listed are not met by OwnerOf; drop them here once they run out.
        foreach (var (serverId, until) in _suspects)
        {
            if (until < Environment.TickCount64)
            {
                _suspects.TryRemove(KeyValuePair.Create(serverId, until));
            }
        }

        return changed;
    }

    /// <summary>Forgets every server: documents are sequenced where their submissions arrive.</summary>
    public void Clear() => _view = new View([], long.MinValue);

    /// <summary>
    /// Passes <paramref name="serverId"/> over as an owner for a while, after a forward to it failed: its documents
    /// are sequenced elsewhere meanwhile instead of each submission waiting for it. True when it was not passed over yet.
    /// </summary>
    public bool Suspect(string serverId)
    {
        if (serverId == self)
        {
            return false;
        }

        var until = Environment.TickCount64 + (long)suspectFor.TotalMilliseconds;
        var fresh = true;
        _suspects.AddOrUpdate(serverId, until, (_, old) =>
        {
            fresh = old < Environment.TickCount64;
            return until;
        });
        return fresh;
    }

    private Rendezvous.Member[] WithoutSuspects(Rendezvous.Member[] members)
    {
        var now = Environment.TickCount64;
        var left = new List<Rendezvous.Member>(members.Length);
        foreach (var member in members)
        {
            if (_suspects.TryGetValue(member.Id, out var until))
            {
                if (until > now)
                {
                    continue;
                }

                _suspects.TryRemove(KeyValuePair.Create(member.Id, until));
            }

            left.Add(member);
        }

        return [.. left];
    }

    private sealed record View(Rendezvous.Member[] Members, long ValidUntil);
}
