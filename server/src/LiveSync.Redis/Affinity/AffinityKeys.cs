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
    /// <summary>The servers that take forwarded submissions, with their deadlines.</summary>
    public string Servers { get; } = prefix + "affinity:servers";

    /// <summary>Where submissions for <paramref name="serverId"/> to sequence are published.</summary>
    public string Submissions(string serverId) => string.Concat(prefix, "affinity:submit:", serverId);

    /// <summary>Where the answers for <paramref name="serverId"/> are published.</summary>
    public string Replies(string serverId) => string.Concat(prefix, "affinity:reply:", serverId);
}
