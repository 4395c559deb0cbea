namespace LiveSync.Redis.Affinity;

/// <summary>
/// Rendezvous (highest random weight) hashing: a document's owner is the server whose weight for it is highest.
/// Every server computes the same owner from the same membership without talking to the others, documents spread
/// evenly, and when a server leaves only the documents it owned move (each to the runner-up for it). The hash is
/// fixed here (FNV-1a then a 64-bit finaliser), never <see cref="string.GetHashCode()"/>, which differs per process.
/// </summary>
internal static class Rendezvous
{
    /// <summary>The stable 64-bit hash of an id (a document or a server).</summary>
    public static ulong Hash(string id)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    /// <summary>
    /// The owner of the document whose <see cref="Hash"/> is <paramref name="docHash"/> among
    /// <paramref name="servers"/> (each with its <see cref="Hash"/>); null when there are none.
    /// </summary>
    public static string? Owner(ulong docHash, ReadOnlySpan<Member> servers)
    {
        string? best = null;
        var bestWeight = 0UL;
        foreach (var server in servers)
        {
            var weight = Mix(docHash ^ server.Hash);

            // Ties (all but impossible) go to the smaller id, so every server still agrees.
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(server.Id, best) < 0))
            {
                best = server.Id;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>The owner of <paramref name="docId"/> among <paramref name="serverIds"/>; null when there are none.</summary>
    public static string? Owner(string docId, IEnumerable<string> serverIds) =>
        Owner(Hash(docId), serverIds.Select(id => new Member(id)).ToArray());

    // The finaliser of MurmurHash3: every input bit affects every output bit, so the XOR of two hashes still
    // gives independent-looking weights.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }

    /// <summary>A server that may own documents, with its hash computed once.</summary>
    public readonly record struct Member(string Id)
    {
        public ulong Hash { get; } = Rendezvous.Hash(Id);
    }
}
