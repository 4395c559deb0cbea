using System.Diagnostics;
using System.Text;
using LiveSync.Protocol;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Storage;
using LiveSync.Server.Storage;

namespace LiveSync.Redis.Tests.Storage;

/// <summary>What the Redis op log does beyond the port's contract: key layout, safety checks, retention, faults.</summary>
public sealed class RedisOpLogTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly RedisKeys Keys = new("livesync:");

    [Fact]
    public async Task Ops_are_stream_entries_named_by_version_under_the_documents_hash_tag()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();

        await log.AppendAsync(doc, 0, [Op(1, "client-aaaa", 1), Op(2, "client-bbbb", 1)]).Within();

        Assert.Equal($"livesync:{{{doc}}}:ops", Keys.Ops(doc));
        var entries = await raw.ExecuteAsync("XRANGE", Keys.Ops(doc), "-", "+").Within();
        Assert.Equal(["1-0", "2-0"], entries.Elements.ToArray().Select(e => e[0].AsString()));
        Assert.Equal(["c", "s", "b", "t", "p", "h"], entries[0][1].Elements.ToArray().Where((_, i) => i % 2 == 0).Select(f => f.AsString()));
        Assert.Equal("client-aaaa", entries[0][1][1].AsString());
        Assert.Equal("op 1", entries[0][1][9].AsString());
        Assert.Equal("2", (await raw.ExecuteAsync("HGET", Keys.Meta(doc), "v").Within()).AsString());
        Assert.Equal("1:2", (await raw.ExecuteAsync("HGET", Keys.Seqs(doc), "client-bbbb").Within()).AsString());

        // The rolling hash the script stored is the one a reader recomputes, version after version.
        var hash = "";
        foreach (var entry in entries.Elements.ToArray())
        {
            Assert.True(RedisRecords.TryParseEntry(entry, out var op, out var stored));
            hash = RedisRecords.RollingHash(hash, op);
            Assert.Equal(hash, stored);
        }

        // All of a document's keys carry its id as their hash tag, so they share one cluster slot.
        foreach (var key in new[] { Keys.Ops(doc), Keys.Meta(doc), Keys.Seqs(doc), Keys.Snapshots(doc) })
        {
            Assert.StartsWith($"livesync:{{{doc}}}:", key, StringComparison.Ordinal);
            Assert.Equal(1, key.Count(c => c == '{'));
        }
    }

    [Fact]
    public async Task A_batch_from_thousands_of_clients_records_each_seq_and_a_repeated_seq_is_refused_whole()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();

        // A batch of thousands of ops, each from its own client.
        var batch = Enumerable.Range(1, 4_500).Select(v => Op(v, $"client-{v:D4}", 1)).ToList();
        Assert.Equal(AppendResult.Success(4_500), await log.AppendAsync(doc, 0, batch).Within());
        Assert.Equal(4_500, (await raw.ExecuteAsync("HLEN", Keys.Seqs(doc)).Within()).AsInt64());
        foreach (var v in new[] { 1, 1_000, 1_001, 3_000, 4_500 })
        {
            Assert.Equal(new ClientSeq(1, v), await log.ReadClientSeqAsync(doc, $"client-{v:D4}").Within());
        }

        // A seq already stored, behind a new one in the same batch, or twice in one batch: nothing is written.
        StoredOp[][] repeats =
        [
            [Op(4_501, "client-0005", 2), Op(4_502, "client-2000", 1)],
            [Op(4_501, "client-new", 4), Op(4_502, "client-new", 4)],
        ];
        foreach (var repeat in repeats)
        {
            var error = await Assert.ThrowsAsync<LiveSyncException>(() => log.AppendAsync(doc, 4_500, repeat).Within());
            Assert.Contains($"repeated client {repeat[1].ClientId}'s seq {repeat[1].Seq}", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(new ClientSeq(1, 5), await log.ReadClientSeqAsync(doc, "client-0005").Within());
        Assert.Null(await log.ReadClientSeqAsync(doc, "client-new").Within());
        Assert.Equal(4_500, (await raw.ExecuteAsync("XLEN", Keys.Ops(doc)).Within()).AsInt64());
        Assert.Equal(AppendResult.Success(4_502), await log.AppendAsync(doc, 4_500, [Op(4_501, "client-0005", 2), Op(4_502, "client-new", 1)]).Within());
        Assert.Equal(new ClientSeq(2, 4_501), await log.ReadClientSeqAsync(doc, "client-0005").Within());
    }

    [Fact]
    public async Task A_stream_deleted_by_hand_is_reported_unavailable_and_never_reused()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1), Op(2), Op(3)]).Within();

        await raw.ExecuteAsync("DEL", Keys.Ops(doc)).Within();

        await AssertUnavailableAsync(() => log.ReadHeadAsync(doc).AsTask(), "0 entries");
        await AssertUnavailableAsync(() => log.AppendAsync(doc, 3, [Op(4)]).AsTask(), "0 entries");
        await AssertUnavailableAsync(() => log.AppendAsync(doc, 0, [Op(1)]).AsTask(), "0 entries");

        // A server that never saw the document sees it too: the meta outlives the stream.
        await using var fresh = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await AssertUnavailableAsync(() => fresh.ReadHeadAsync(doc).AsTask(), "0 entries");
        Assert.Equal(0, (await raw.ExecuteAsync("EXISTS", Keys.Ops(doc)).Within()).AsInt64());
    }

    [Fact]
    public async Task A_document_whose_keys_all_vanished_or_that_was_started_again_is_reported_by_a_server_that_knew_it()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var other = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1), Op(2)]).Within();

        await raw.ExecuteAsync("DEL", Keys.Ops(doc), Keys.Meta(doc), Keys.Seqs(doc)).Within();
        await AssertUnavailableAsync(() => log.ReadHeadAsync(doc).AsTask(), "keys are gone");
        await AssertUnavailableAsync(() => log.AppendAsync(doc, 2, [Op(3)]).AsTask(), "keys are gone");

        // Another server, which never saw it, starts it again at version 1 under a new epoch: the first still refuses.
        Assert.True((await other.AppendAsync(doc, 0, [Op(1, "client-other")]).Within()).Appended);
        await AssertUnavailableAsync(() => log.ReadHeadAsync(doc).AsTask(), "epoch changed");
        await AssertUnavailableAsync(() => log.AppendAsync(doc, 1, [Op(2)]).AsTask(), "epoch changed");
    }

    [Fact]
    public async Task Seqs_and_snapshots_left_behind_by_a_lost_log_never_leak_into_a_new_one()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1, "client-aaaa", 5), Op(2, "client-aaaa", 6)]).Within();
        await log.WriteSnapshotAsync(doc, new StoredSnapshot(1, "text", "\"old\""u8.ToArray())).Within();
        await raw.ExecuteAsync("DEL", Keys.Ops(doc), Keys.Meta(doc)).Within();

        // A server that never knew the log sees a new document: no seqs, and the old ones are dropped on its first append.
        await using var fresh = await RedisOpLogFactory.StartAsync(redis.Configuration);
        Assert.Equal(new LogHead(0, 1), await fresh.ReadHeadAsync(doc).Within());
        Assert.Null(await fresh.ReadClientSeqAsync(doc, "client-aaaa").Within());
        Assert.Equal(AppendResult.Success(1), await fresh.AppendAsync(doc, 0, [Op(1, "client-aaaa", 1)]).Within());
        Assert.Equal(new ClientSeq(1, 1), await fresh.ReadClientSeqAsync(doc, "client-aaaa").Within());
        Assert.Null(await fresh.ReadSnapshotAsync(doc, 1).Within());
    }

    [Fact]
    public async Task A_log_rewound_below_a_version_seen_stored_is_reported()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1), Op(2), Op(3), Op(4), Op(5)]).Within();

        // What Redis restarted without its last writes looks like: a consistent log, shorter, same epoch.
        await raw.ExecuteAsync("XDEL", Keys.Ops(doc), "4-0", "5-0").Within();
        await raw.ExecuteAsync("HSET", Keys.Meta(doc), "v", "3").Within();

        await AssertUnavailableAsync(() => log.ReadHeadAsync(doc).AsTask(), "rewound");
        await AssertUnavailableAsync(() => log.AppendAsync(doc, 3, [Op(4)]).AsTask(), "rewound");
        Assert.Equal(3, (await raw.ExecuteAsync("XLEN", Keys.Ops(doc)).Within()).AsInt64());
    }

    [Fact]
    public async Task An_append_whose_reply_is_lost_is_settled_by_what_is_stored_and_never_written_twice()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration + ",commandTimeout=300");
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1)]).Within();

        // Writes wait while Redis is paused, so the append times out with its script still queued; it runs when the
        // pause ends, and the adapter must then recognise the ops as its own.
        await raw.ExecuteAsync("CLIENT", "PAUSE", 1500, "WRITE").Within();
        var clock = Stopwatch.StartNew();
        var result = await log.AppendAsync(doc, 1, [Op(2), Op(3, "client-bbbb", 1)]).Within();

        Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(300), $"the append did not wait for the pause ({clock.Elapsed})");
        Assert.Equal(AppendResult.Success(3), result);
        var stored = await log.ReadOpsAsync(doc, 1, long.MaxValue, 100).Within();
        Assert.Equal([1L, 2, 3], stored.Select(op => op.V));
        Assert.Equal(3, (await raw.ExecuteAsync("XLEN", Keys.Ops(doc)).Within()).AsInt64());
    }

    [Fact]
    public async Task Retention_trims_below_the_newest_snapshot_and_reports_the_first_kept_version()
    {
        await using var log = await RedisOpLogFactory.StartAsync(redis.Configuration, o => o.RetainedVersions = 2);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, Enumerable.Range(1, 10).Select(v => Op(v)).ToList()).Within();

        await log.WriteSnapshotAsync(doc, new StoredSnapshot(8, "text", "\"x\""u8.ToArray())).Within();

        Assert.Equal(new LogHead(10, 7), await log.ReadHeadAsync(doc).Within());
        Assert.Equal([7L, 8, 9, 10], (await log.ReadOpsAsync(doc, 1, long.MaxValue, 100).Within()).Select(op => op.V));
        Assert.Equal(4, (await raw.ExecuteAsync("XLEN", Keys.Ops(doc)).Within()).AsInt64());
        Assert.Equal(8, (await log.ReadSnapshotAsync(doc, 10).Within())!.V);

        // Appends go on after a trim; the head op is never trimmed, even by a snapshot at the head.
        Assert.True((await log.AppendAsync(doc, 10, [Op(11)]).Within()).Appended);
        await log.WriteSnapshotAsync(doc, new StoredSnapshot(11, "text", "\"y\""u8.ToArray())).Within();
        Assert.Equal(new LogHead(11, 10), await log.ReadHeadAsync(doc).Within());
    }

    [Fact]
    public async Task Unreachable_Redis_fails_fast_as_unavailable_and_recovers_by_itself()
    {
        await using var own = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        await using var log = await RedisOpLogFactory.StartAsync(own.Configuration);
        var doc = NewDocId();
        await log.AppendAsync(doc, 0, [Op(1)]).Within();

        await own.KillAsync();
        var clock = Stopwatch.StartNew();
        Assert.True(await Bounded.UntilAsync(async () =>
        {
            try
            {
                await log.ReadHeadAsync(doc);
                return false;
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.Unavailable)
            {
                return true;
            }
        }));
        clock.Restart();
        var error = await Assert.ThrowsAsync<LiveSyncException>(() => log.AppendAsync(doc, 1, [Op(2)]).AsTask().Within());
        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        // Known to be down, an append fails at once. One that raced the kill (sent just before the client noticed)
        // is indeterminate and is settled or given up within AppendResolveTimeout (10 s by default), never longer.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"failing took {clock.Elapsed}");

        // Back without its data (this Redis has no persistence): the connection recovers by itself, new documents work,
        // and the document this server knew is reported lost instead of restarting at version 1.
        await own.RestartAsync().Within(TimeSpan.FromSeconds(30));
        var other = NewDocId();
        Assert.True(await Bounded.UntilAsync(async () =>
        {
            try
            {
                return (await log.AppendAsync(other, 0, [Op(1)])).Appended;
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.Unavailable)
            {
                return false;
            }
        }));
        await AssertUnavailableAsync(() => log.ReadHeadAsync(doc).AsTask(), "keys are gone");
    }

    [Fact]
    public async Task Start_up_refuses_a_Redis_that_may_evict_keys()
    {
        await using var own = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        await using var raw = await RespConnection.ConnectAsync(own.Options()).Within();
        await raw.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lru").Within();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisOpLogFactory.StartAsync(own.Configuration));
        Assert.Contains("noeviction", error.Message, StringComparison.Ordinal);

        await raw.ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction").Within();
        await using var log = await RedisOpLogFactory.StartAsync(own.Configuration);
    }

    private static async Task AssertUnavailableAsync(Func<Task> call, string because)
    {
        var error = await Assert.ThrowsAsync<LiveSyncException>(() => call().Within());
        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }

    private static string NewDocId() => $"doc-{Guid.NewGuid():N}";

    private static StoredOp Op(long v, string clientId = "client-aaaa", long seq = 0) =>
        new(v, clientId, seq == 0 ? v : seq, v - 1, 1_700_000_000_000 + v, Encoding.UTF8.GetBytes($"op {v}"));
}
