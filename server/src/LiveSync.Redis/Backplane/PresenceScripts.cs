using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Backplane;

/// <summary>The Lua scripts of presence across servers; each says what it does atomically. Each touches one key, so they also run on Redis Cluster.</summary>
internal static class PresenceScripts
{
    /// <summary>
    /// A server's heartbeat. KEYS[1] the servers zset; ARGV[1] this server's id, ARGV[2] how long until it counts as
    /// dead (ms). Atomically moves this server's deadline to Redis's now + ARGV[2] and lists up to 16 servers whose
    /// deadline has passed. Returns <c>{added, {dead server ids}}</c>: added is 1 when this server was not in the zset
    /// (its first beat, or the others counted it dead and cleared it), else 0. Redis's own clock decides, so the
    /// servers' clocks need not agree.
    /// </summary>
    public static readonly RespScript Heartbeat = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 16)
        return {added, dead}
        """);

    /// <summary>
    /// Clears a client's presence if a given server and connection set it. KEYS[1] the document's presence hash;
    /// ARGV[1] the client id, ARGV[2] the owner prefix (<see cref="PresenceKeys.Owner"/>). Atomically deletes the
    /// field only when its value starts with that owner, so a newer entry of the same client (another connection,
    /// maybe on another server) stays. Returns 1 when it deleted, else 0; of several servers clearing one entry, one
    /// gets 1 and tells the subscribers.
    /// </summary>
    public static readonly RespScript RemoveIfOwner = new("""
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        if v and string.sub(v, 1, #ARGV[2]) == ARGV[2] then
          redis.call('HDEL', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """);
}
