using System.Collections.Concurrent;

namespace LiveSync.Redis.Affinity;

/// <summary>The Redis key and pub/sub channels of document affinity, under the op log's key prefix.</summary>
/// <remarks>
/// With the default prefix <c>livesync:</c>:
/// <code>
/// livesync:affinity:servers                  zset     server id -> the time (ms, Redis clock) after which it no
///                                                     longer owns documents; each server moves its own forward
/// livesync:affinity:submit:{serverId}        channel  submissions forwarded to that server
/// livesync:affinity:reply:{serverId}         channel  the answers to the submissions that server forwarded
/// </code>
/// </remarks>
internal sealed class AffinityKeys(string prefix)
{
    // Channel names are built once per server id, as every forward and every answer names one. Servers get a new id
    // per process, so the caches are emptied now and then rather than growing with every server ever seen.
    private const int MaxCachedNames = 1024;

    private readonly ConcurrentDictionary<string, string> _submissions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _replies = new(StringComparer.Ordinal);

    /// <summary>The servers that take forwarded submissions, with their deadlines.</summary>
    public string Servers { get; } = prefix + "affinity:servers";

    /// <summary>Where submissions for <paramref name="serverId"/> to sequence are published.</summary>
    public string Submissions(string serverId) => Cached(_submissions, serverId, "affinity:submit:");

    /// <summary>Where the answers for <paramref name="serverId"/> are published.</summary>
    public string Replies(string serverId) => Cached(_replies, serverId, "affinity:reply:");

    private string Cached(ConcurrentDictionary<string, string> names, string serverId, string kind)
    {
        if (names.TryGetValue(serverId, out var name))
        {
            return name;
        }

        if (names.Count > MaxCachedNames)
        {
            names.Clear();
        }

        return names.GetOrAdd(serverId, string.Concat(prefix, kind, serverId));
    }
}
