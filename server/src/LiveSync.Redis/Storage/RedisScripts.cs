using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Storage;

/// <summary>
/// The op log's Lua scripts, each run by EVALSHA on the keys of one document (<see cref="RedisKeys"/>), so each is
/// atomic: no other command runs in between. Each says what it guarantees and what it replies. Scripts start with a
/// <c>#!lua</c> line (Redis 7): Redis then checks memory before a writing script starts, so a script is refused
/// whole under memory pressure instead of failing half-way, and a read-only one is flagged <c>no-writes</c>.
/// Every writing script checks everything before its first write, so an error reply means nothing was written.
/// Versions travel as the decimal strings the caller sent and are stored as such, never re-formatted by Lua
/// (whose number formatting turns large numbers into exponents).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Reads the document's head. Guarantees a consistent view of meta and stream: the stream holds exactly the
    /// versions meta says are kept (<c>first..v</c>); a stream deleted, trimmed or written by hand is caught here.
    /// KEYS: ops, meta. Replies <c>{'NONE'}</c> (never written), <c>{'OK', v, first, epoch}</c> or
    /// <c>{'CORRUPT', explanation}</c>.
    /// </summary>
    public static readonly RespScript Head = new("""
        #!lua flags=no-writes
        local meta = redis.call('HMGET', KEYS[2], 'v', 'first', 'epoch')
        local len = redis.call('XLEN', KEYS[1])
        if not meta[3] then
          if len > 0 then
            return {'CORRUPT', 'the op stream has ' .. len .. ' entries but the document has no metadata'}
          end
          return {'NONE'}
        end
        """ + CheckLength + """
        return {'OK', meta[1], meta[2], meta[3]}
        """);

    /// <summary>
    /// Appends a batch of ops to the document. Guarantees, atomically: the head is the expected version (an explicit
    /// stream id alone would not stop a gap: Redis accepts <c>XADD 5-0</c> after <c>2-0</c>); the document is the
    /// one the caller knows (its epoch), and its stream is whole; the ops are numbered head + 1, + 2, ...; no op
    /// repeats or goes back on a client's recorded seq; then every op is added as stream entry <c>{v}-0</c> with its
    /// rolling hash, each client's last seq and version recorded, and the head moved: all of it, or nothing.
    /// A new document gets the epoch the caller proposes, and whatever seqs or snapshots a lost earlier log left
    /// behind are dropped with the same step, so they cannot leak into the new one.
    /// KEYS: ops, meta, seqs, snaps. ARGV: expected head, known epoch ('' if none), highest version the caller has seen
    /// stored, epoch for a new document, op count n, then per op: v, client id, seq, base v, ts, payload.
    /// Replies <c>{'OK', lastV, epoch}</c>, <c>{'CONFLICT', head, epoch}</c> (nothing written),
    /// <c>{'EPOCH', epoch, head}</c> (the document was replaced), <c>{'REWOUND', head}</c> (below a version the
    /// caller saw stored), <c>{'GONE'}</c> (the known document's keys are gone), <c>{'DUPLICATE', clientId, seq}</c>
    /// or <c>{'CORRUPT', explanation}</c>. Every reply but OK means nothing was written.
    /// </summary>
    public static readonly RespScript Append = new("""
        #!lua
        local meta = redis.call('HMGET', KEYS[2], 'v', 'first', 'epoch', 'h')
        local epoch = meta[3]
        local head = 0
        local hash = ''
        if not epoch then
          if redis.call('EXISTS', KEYS[1]) == 1 then
            return {'CORRUPT', 'the op stream exists but the document has no metadata'}
          end
          if ARGV[2] ~= '' then
            return {'GONE'}
          end
        else
          if ARGV[2] ~= '' and ARGV[2] ~= epoch then
            return {'EPOCH', epoch, meta[1]}
          end
          local len = redis.call('XLEN', KEYS[1])
        """ + CheckLength + """
          head = tonumber(meta[1])
          hash = meta[4] or ''
          if head < tonumber(ARGV[3]) then
            return {'REWOUND', meta[1]}
          end
        end
        if head ~= tonumber(ARGV[1]) then
          return {'CONFLICT', meta[1] or '0', epoch or ''}
        end
        local n = tonumber(ARGV[5])
        local last = {}
        for i = 0, n - 1 do
          local at = 6 + i * 6
          if tonumber(ARGV[at]) ~= head + i + 1 then
            return {'CORRUPT', 'op ' .. (i + 1) .. ' of the batch is not numbered after the head'}
          end
          local client = ARGV[at + 1]
          local seq = tonumber(ARGV[at + 2])
          local prev = last[client]
          if prev == nil then
            local stored = epoch and redis.call('HGET', KEYS[3], client)
            prev = stored and tonumber(string.match(stored, '^(%d+):')) or -1
          end
          if seq <= prev then
            return {'DUPLICATE', client, ARGV[at + 2]}
          end
          last[client] = seq
        end
        if not epoch then
          redis.call('DEL', KEYS[3], KEYS[4])
        end
        for i = 0, n - 1 do
          local at = 6 + i * 6
          local v, client, seq, base, ts, payload = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
          hash = string.sub(redis.sha1hex(hash .. '\n' .. v .. '\n' .. client .. '\n' .. seq .. '\n' .. base .. '\n' .. ts .. '\n' .. payload), 1, 16)
          redis.call('XADD', KEYS[1], v .. '-0', 'c', client, 's', seq, 'b', base, 't', ts, 'p', payload, 'h', hash)
          redis.call('HSET', KEYS[3], client, seq .. ':' .. v)
        end
        local lastV = ARGV[6 + (n - 1) * 6]
        if not epoch then
          epoch = ARGV[4]
          redis.call('HSET', KEYS[2], 'v', lastV, 'first', '1', 'epoch', epoch, 'h', hash)
        else
          redis.call('HSET', KEYS[2], 'v', lastV, 'h', hash)
        end
        return {'OK', lastV, epoch}
        """);

    /// <summary>
    /// Reads a client's last seq and version. Read-only; answers nil unless the document's log exists, so seqs a
    /// lost log left behind are never taken for the current one's.
    /// KEYS: meta, seqs. ARGV: client id. Replies <c>"{seq}:{v}"</c> or nil.
    /// </summary>
    public static readonly RespScript ReadClientSeq = new("""
        #!lua flags=no-writes
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return false
        end
        return redis.call('HGET', KEYS[2], ARGV[1])
        """);

    /// <summary>
    /// Stores a snapshot and drops the oldest beyond the number kept; with retention on, trims the stream.
    /// Guarantees, atomically: ops are trimmed (XTRIM MINID, exact) only below a snapshot stored in the same step,
    /// never the head op (so the stream's length still proves it whole), and meta's first kept version moves with
    /// the trim, so a reader never sees a trimmed stream with the old first version.
    /// KEYS: snaps, ops, meta. ARGV: v, encoded snapshot, snapshots kept, versions retained below the newest
    /// snapshot ('' for full history). Replies the first kept version (0 when the document has no ops).
    /// </summary>
    public static readonly RespScript WriteSnapshot = new("""
        #!lua
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        local fields = redis.call('HKEYS', KEYS[1])
        table.sort(fields, function(a, b) return tonumber(a) < tonumber(b) end)
        local keep = tonumber(ARGV[3])
        if #fields > keep then
          for i = 1, #fields - keep do
            redis.call('HDEL', KEYS[1], fields[i])
          end
        end
        local meta = redis.call('HMGET', KEYS[3], 'v', 'first')
        if not meta[1] then
          return 0
        end
        local first = tonumber(meta[2])
        if ARGV[4] ~= '' then
          local head = tonumber(meta[1])
          local newest = tonumber(fields[#fields])
          local minid = newest - tonumber(ARGV[4]) + 1
          if minid > head then
            minid = head
          end
          if minid > first then
            local text = string.format('%d', minid)
            redis.call('XTRIM', KEYS[2], 'MINID', text .. '-0')
            redis.call('HSET', KEYS[3], 'first', text)
            first = minid
          end
        end
        return first
        """);

    /// <summary>
    /// Reads the newest snapshot at or below a version. Read-only; a single consistent look at the snapshots hash.
    /// KEYS: snaps. ARGV: max version. Replies <c>{v, encoded}</c> or nil.
    /// </summary>
    public static readonly RespScript ReadSnapshot = new("""
        #!lua flags=no-writes
        local max = tonumber(ARGV[1])
        local best = nil
        local bestV = -1
        for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
          local v = tonumber(field)
          if v <= max and v > bestV then
            best = field
            bestV = v
          end
        end
        if not best then
          return false
        end
        return {best, redis.call('HGET', KEYS[1], best)}
        """);

    // Shared by Head and Append: with meta present (meta and len read), the stream must hold exactly first..v.
    private const string CheckLength = """

          local expectedLen = 0
          if tonumber(meta[1]) >= tonumber(meta[2]) then
            expectedLen = tonumber(meta[1]) - tonumber(meta[2]) + 1
          end
          if len ~= expectedLen then
            return {'CORRUPT', 'the op stream holds ' .. len .. ' entries where versions ' .. meta[2] .. ' to ' .. meta[1] .. ' should be'}
          end

        """;
}
