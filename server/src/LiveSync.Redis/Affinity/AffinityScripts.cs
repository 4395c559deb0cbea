using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Affinity;

/// <summary>The Lua script of the affinity membership; it touches one key, so it also runs on Redis Cluster.</summary>
internal static class AffinityScripts
{
    /// <summary>
    /// A server's affinity heartbeat. KEYS[1] the servers zset (<see cref="AffinityKeys.Servers"/>); ARGV[1] this
    /// server's id, ARGV[2] how long until it counts as gone (ms). Atomically moves this server's deadline to Redis's
    /// now + ARGV[2], drops servers whose deadline has passed and returns the ids of those left, this one included.
    /// Redis's own clock decides, so the servers' clocks need not agree.
    /// </summary>
    public static readonly RespScript Beat = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """);
}
