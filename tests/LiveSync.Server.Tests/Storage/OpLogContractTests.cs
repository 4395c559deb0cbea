using System.Text;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Tests.Storage;

/// <summary>
/// The storage port's contract: the same cases for every <see cref="IOpLog"/> adapter (in-memory, embedded files,
/// Redis). A derived class only says how to create and dispose its adapter. Every case uses fresh document ids, so
/// an adapter may share one store across tests.
/// </summary>
public abstract class OpLogContractTests<TLog> : IAsyncLifetime
    where TLog : IOpLog
{
    /// <summary>A client id valid by the contract.</summary>
    protected const string ClientA = "client-aaaa";

    /// <summary>A second client id.</summary>
    protected const string ClientB = "client-bbbb";

    /// <summary>The bound on every await, so a hang fails fast.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private TLog? _log;

    /// <summary>The adapter under test.</summary>
    protected TLog Log => _log ?? throw new InvalidOperationException("The log is created in InitializeAsync.");

    /// <summary>Creates the adapter for one test.</summary>
    protected abstract Task<TLog> CreateLogAsync();

    /// <summary>Disposes the adapter after one test; by default disposes it when it is (async) disposable.</summary>
    protected virtual async Task DisposeLogAsync(TLog log)
    {
        switch (log)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public async Task InitializeAsync() => _log = await CreateLogAsync().WaitAsync(Timeout);

    public async Task DisposeAsync()
    {
        if (_log is not null)
        {
            await DisposeLogAsync(_log).WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task A_document_never_written_is_empty()
    {
        var doc = NewDocId();

        Assert.Equal(new LogHead(0, 1), await Bounded(Log.ReadHeadAsync(doc)));
        Assert.Empty(await Bounded(Log.ReadOpsAsync(doc, 1, long.MaxValue, 100)));
        Assert.Null(await Bounded(Log.ReadClientSeqAsync(doc, ClientA)));
        Assert.Null(await Bounded(Log.ReadSnapshotAsync(doc, long.MaxValue)));
    }

    [Fact]
    public async Task Appended_ops_are_read_back_by_head_range_and_limit()
    {
        var doc = NewDocId();
        var ops = Enumerable.Range(1, 5).Select(v => Op(v)).ToList();
        foreach (var op in ops)
        {
            Assert.Equal(AppendResult.Success(op.V), await Bounded(Log.AppendAsync(doc, op.V - 1, [op])));
        }

        Assert.Equal(new LogHead(5, 1), await Bounded(Log.ReadHeadAsync(doc)));
        AssertOps(ops, await Bounded(Log.ReadOpsAsync(doc, 1, 5, 100)));
        AssertOps(ops[1..4], await Bounded(Log.ReadOpsAsync(doc, 2, 4, 100)));
        AssertOps(ops[..2], await Bounded(Log.ReadOpsAsync(doc, 1, 5, 2)));
        AssertOps(ops[3..], await Bounded(Log.ReadOpsAsync(doc, 4, long.MaxValue, 100)));
        AssertOps(ops[..2], await Bounded(Log.ReadOpsAsync(doc, 0, 2, 100)));
        AssertOps([ops[2]], await Bounded(Log.ReadOpsAsync(doc, 3, 3, 100)));
        Assert.Empty(await Bounded(Log.ReadOpsAsync(doc, 6, 10, 100)));
        Assert.Empty(await Bounded(Log.ReadOpsAsync(doc, 4, 3, 100)));
    }

    [Fact]
    public async Task Long_logs_are_read_from_any_version()
    {
        var doc = NewDocId();
        var ops = Enumerable.Range(1, 150).Select(v => Op(v)).ToList();
        for (var i = 0; i < ops.Count; i += 10)
        {
            Assert.True((await Bounded(Log.AppendAsync(doc, i, ops[i..(i + 10)]))).Appended);
        }

        foreach (var from in new[] { 1, 31, 32, 33, 64, 65, 100, 149, 150 })
        {
            AssertOps(ops[(from - 1)..Math.Min(from + 6, 150)], await Bounded(Log.ReadOpsAsync(doc, from, 150, 7)));
        }
    }

    [Fact]
    public async Task An_append_on_a_stale_head_is_a_conflict_with_the_winning_head_and_writes_nothing()
    {
        var doc = NewDocId();
        await Bounded(Log.AppendAsync(doc, 0, [Op(1)]));
        var winner = Op(2, ClientA, seq: 7);
        await Bounded(Log.AppendAsync(doc, 1, [winner]));

        var loser = Op(2, ClientB, seq: 1);
        Assert.Equal(AppendResult.Conflict(2), await Bounded(Log.AppendAsync(doc, 1, [loser])));
        Assert.Equal(AppendResult.Conflict(2), await Bounded(Log.AppendAsync(doc, 0, [Op(1, ClientB), Op(2, ClientB)])));
        Assert.Equal(AppendResult.Conflict(2), await Bounded(Log.AppendAsync(doc, 5, [Op(6, ClientB)])));

        Assert.Equal(new LogHead(2, 1), await Bounded(Log.ReadHeadAsync(doc)));
        AssertOps([winner], await Bounded(Log.ReadOpsAsync(doc, 2, 2, 10)));
        Assert.Null(await Bounded(Log.ReadClientSeqAsync(doc, ClientB)));
    }

    [Fact]
    public async Task A_multi_op_append_stores_all_its_ops_or_none()
    {
        var doc = NewDocId();
        var batch = new List<StoredOp> { Op(1, ClientA, 1), Op(2, ClientB, 1), Op(3, ClientA, 2) };

        Assert.Equal(AppendResult.Success(3), await Bounded(Log.AppendAsync(doc, 0, batch)));
        Assert.Equal(AppendResult.Conflict(3), await Bounded(Log.AppendAsync(doc, 2, [Op(3), Op(4), Op(5)])));

        Assert.Equal(new LogHead(3, 1), await Bounded(Log.ReadHeadAsync(doc)));
        AssertOps(batch, await Bounded(Log.ReadOpsAsync(doc, 1, long.MaxValue, 100)));
        Assert.Equal(AppendResult.Success(5), await Bounded(Log.AppendAsync(doc, 3, [Op(4), Op(5)])));
    }

    [Fact]
    public async Task Ops_not_numbered_from_the_expected_head_are_rejected()
    {
        var doc = NewDocId();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Bounded(Log.AppendAsync(doc, 0, [Op(2)])));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Bounded(Log.AppendAsync(doc, 0, [Op(1), Op(3)])));
        Assert.Equal(new LogHead(0, 1), await Bounded(Log.ReadHeadAsync(doc)));
    }

    [Fact]
    public async Task Each_op_records_its_clients_seq_and_the_latest_wins()
    {
        var doc = NewDocId();
        await Bounded(Log.AppendAsync(doc, 0, [Op(1, ClientA, 1), Op(2, ClientB, 1), Op(3, ClientA, 2)]));

        Assert.Equal(new ClientSeq(2, 3), await Bounded(Log.ReadClientSeqAsync(doc, ClientA)));
        Assert.Equal(new ClientSeq(1, 2), await Bounded(Log.ReadClientSeqAsync(doc, ClientB)));

        await Bounded(Log.AppendAsync(doc, 3, [Op(4, ClientB, 2)]));
        await Bounded(Log.AppendAsync(doc, 4, [Op(5, ClientA, 3)]));

        Assert.Equal(new ClientSeq(3, 5), await Bounded(Log.ReadClientSeqAsync(doc, ClientA)));
        Assert.Equal(new ClientSeq(2, 4), await Bounded(Log.ReadClientSeqAsync(doc, ClientB)));
        Assert.Null(await Bounded(Log.ReadClientSeqAsync(doc, "client-never-seen")));
        Assert.Null(await Bounded(Log.ReadClientSeqAsync(NewDocId(), ClientA)));
    }

    [Fact]
    public async Task A_snapshot_is_read_as_the_latest_at_or_below_the_version_asked()
    {
        var doc = NewDocId();
        var at5 = new StoredSnapshot(5, "text", "\"hello\""u8.ToArray());
        var at10 = new StoredSnapshot(10, "json", "{\"a\":[1,2]}"u8.ToArray());
        await Bounded(Log.WriteSnapshotAsync(doc, at5));
        await Bounded(Log.WriteSnapshotAsync(doc, at10));

        Assert.Null(await Bounded(Log.ReadSnapshotAsync(doc, 4)));
        AssertSnapshot(at5, await Bounded(Log.ReadSnapshotAsync(doc, 5)));
        AssertSnapshot(at5, await Bounded(Log.ReadSnapshotAsync(doc, 9)));
        AssertSnapshot(at10, await Bounded(Log.ReadSnapshotAsync(doc, 10)));
        AssertSnapshot(at10, await Bounded(Log.ReadSnapshotAsync(doc, long.MaxValue)));
        Assert.Null(await Bounded(Log.ReadSnapshotAsync(NewDocId(), long.MaxValue)));
    }

    [Fact]
    public async Task A_snapshot_without_a_type_round_trips()
    {
        var doc = NewDocId();
        var deleted = new StoredSnapshot(0, null, "null"u8.ToArray());
        await Bounded(Log.WriteSnapshotAsync(doc, deleted));

        AssertSnapshot(deleted, await Bounded(Log.ReadSnapshotAsync(doc, 0)));
    }

    [Fact]
    public async Task Payload_bytes_round_trip_exactly()
    {
        var doc = NewDocId();
        var random = new Random(1234);
        var large = new byte[200_000];
        random.NextBytes(large);
        var payloads = new[]
        {
            Array.Empty<byte>(),
            Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
            [0xFF, 0xFE, 0x00, 0xC3, 0x28],
            Encoding.UTF8.GetBytes("{\"op\":[3,\"héllo 👋\",{\"d\":2}]}"),
            large,
        };

        var ops = payloads.Select((p, i) => Op(i + 1, payload: p)).ToList();
        await Bounded(Log.AppendAsync(doc, 0, ops));

        var read = await Bounded(Log.ReadOpsAsync(doc, 1, long.MaxValue, 100));
        Assert.Equal(payloads.Length, read.Count);
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], read[i].Payload.ToArray());
        }
    }

    [Fact]
    public async Task Documents_are_independent()
    {
        var docs = Enumerable.Range(0, 20).Select(_ => NewDocId()).ToList();
        for (var d = 0; d < docs.Count; d++)
        {
            var ops = Enumerable.Range(1, d + 1).Select(v => Op(v, payload: Encoding.UTF8.GetBytes($"{docs[d]}/{v}"))).ToList();
            Assert.Equal(AppendResult.Success(d + 1), await Bounded(Log.AppendAsync(docs[d], 0, ops)));
        }

        // A conflict on one document leaves the others alone.
        Assert.False((await Bounded(Log.AppendAsync(docs[0], 0, [Op(1)]))).Appended);

        for (var d = 0; d < docs.Count; d++)
        {
            Assert.Equal(new LogHead(d + 1, 1), await Bounded(Log.ReadHeadAsync(docs[d])));
            var read = await Bounded(Log.ReadOpsAsync(docs[d], 1, long.MaxValue, 100));
            Assert.Equal(
                Enumerable.Range(1, d + 1).Select(v => $"{docs[d]}/{v}"),
                read.Select(op => Encoding.UTF8.GetString(op.Payload.Span)));
        }
    }

    [Fact]
    public async Task Of_concurrent_appends_on_the_same_head_exactly_one_wins()
    {
        var doc = NewDocId();
        await Bounded(Log.AppendAsync(doc, 0, [Op(1)]));

        const int contenders = 32;
        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, contenders).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync(Timeout);
            var op = Op(2, $"contender-{i:D4}", seq: 1);
            return (op, result: await Log.AppendAsync(doc, 1, [op]));
        })).ToList();
        start.Release(contenders);
        var outcomes = await Task.WhenAll(attempts).WaitAsync(Timeout);

        var winners = outcomes.Where(o => o.result.Appended).ToList();
        Assert.Single(winners);
        Assert.Equal(2, winners[0].result.Head);
        Assert.All(outcomes.Where(o => !o.result.Appended), o => Assert.Equal(AppendResult.Conflict(2), o.result));
        Assert.Equal(new LogHead(2, 1), await Bounded(Log.ReadHeadAsync(doc)));
        AssertOps([winners[0].op], await Bounded(Log.ReadOpsAsync(doc, 2, 2, 10)));
    }

    [Fact]
    public async Task Concurrent_writers_on_many_documents_each_keep_a_whole_history()
    {
        var docs = Enumerable.Range(0, 16).Select(_ => NewDocId()).ToList();
        const int opsPerDocument = 25;

        await Task.WhenAll(docs.Select(doc => Task.Run(async () =>
        {
            for (var v = 1; v <= opsPerDocument; v++)
            {
                Assert.True((await Log.AppendAsync(doc, v - 1, [Op(v, payload: Encoding.UTF8.GetBytes($"{doc}/{v}"))])).Appended);
            }
        }))).WaitAsync(Timeout);

        foreach (var doc in docs)
        {
            var read = await Bounded(Log.ReadOpsAsync(doc, 1, long.MaxValue, 1000));
            Assert.Equal(Enumerable.Range(1, opsPerDocument).Select(v => $"{doc}/{v}"), read.Select(op => Encoding.UTF8.GetString(op.Payload.Span)));
        }
    }

    /// <summary>A fresh document id, valid by the contract and using its whole alphabet.</summary>
    protected static string NewDocId() => $"Doc_{Guid.NewGuid():N}:x.y-z";

    /// <summary>An op producing version <paramref name="v"/>.</summary>
    protected static StoredOp Op(long v, string clientId = ClientA, long seq = 0, byte[]? payload = null) =>
        new(v, clientId, seq == 0 ? v : seq, v - 1, 1_700_000_000_000 + v, payload ?? Encoding.UTF8.GetBytes($"[{v},\"x\"]"));

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="Timeout"/>.</summary>
    protected static Task<T> Bounded<T>(ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="Timeout"/>.</summary>
    protected static Task Bounded(ValueTask task) => task.AsTask().WaitAsync(Timeout);

    /// <summary>Asserts two op lists are equal field by field, payload bytes included.</summary>
    protected static void AssertOps(IReadOnlyList<StoredOp> expected, IReadOnlyList<StoredOp> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].V, actual[i].V);
            Assert.Equal(expected[i].ClientId, actual[i].ClientId);
            Assert.Equal(expected[i].Seq, actual[i].Seq);
            Assert.Equal(expected[i].BaseV, actual[i].BaseV);
            Assert.Equal(expected[i].Ts, actual[i].Ts);
            Assert.Equal(expected[i].Payload.ToArray(), actual[i].Payload.ToArray());
        }
    }

    /// <summary>Asserts a snapshot was read back exactly.</summary>
    protected static void AssertSnapshot(StoredSnapshot expected, StoredSnapshot? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.V, actual.V);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
    }
}
