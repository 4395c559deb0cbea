using System.Text;
using LiveSync.Protocol;
using LiveSync.Server.Storage;
using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server.Tests.Storage.Embedded;

/// <summary>What the embedded log adds to the contract: durability across reopen, crash recovery, the directory lock, group commit.</summary>
public sealed class FileOpLogTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reopening_after_dispose_keeps_ops_client_seqs_and_snapshots()
    {
        var docs = new[] { "simple", "Mixed.Case:Id_with-All.chars", "con", new string('Z', 128) };
        var log = await OpenAsync();
        foreach (var doc in docs)
        {
            await Bounded(log.AppendAsync(doc, 0, [Op(1, "client-one", 1), Op(2, "client-two", 1)]));
            for (var v = 3; v <= 40; v++)
            {
                await Bounded(log.AppendAsync(doc, v - 1, [Op(v, "client-one", v - 1)]));
            }

            await Bounded(log.WriteSnapshotAsync(doc, new StoredSnapshot(40, "text", Encoding.UTF8.GetBytes(doc))));
        }

        await log.DisposeAsync().AsTask().WaitAsync(Timeout);

        await using var reopened = await OpenAsync();
        foreach (var doc in docs)
        {
            Assert.Equal(new LogHead(40, 1), await Bounded(reopened.ReadHeadAsync(doc)));
            var ops = await Bounded(reopened.ReadOpsAsync(doc, 1, long.MaxValue, 1000));
            Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), ops.Select(op => op.V));
            Assert.Equal(Encoding.UTF8.GetBytes("[33]"), ops[32].Payload.ToArray());
            Assert.Equal(new ClientSeq(39, 40), await Bounded(reopened.ReadClientSeqAsync(doc, "client-one")));
            Assert.Equal(new ClientSeq(1, 2), await Bounded(reopened.ReadClientSeqAsync(doc, "client-two")));
            var snapshot = await Bounded(reopened.ReadSnapshotAsync(doc, long.MaxValue));
            Assert.Equal(Encoding.UTF8.GetBytes(doc), snapshot!.Data.ToArray());
            Assert.Equal(AppendResult.Success(41), await Bounded(reopened.AppendAsync(doc, 40, [Op(41)])));
        }
    }

    public static TheoryData<string> TornTails => new() { "cut-last-record", "cut-inside-header", "garbage", "zeros" };

    [Theory]
    [MemberData(nameof(TornTails))]
    public async Task A_torn_record_at_the_end_is_cut_off_and_earlier_records_kept(string damage)
    {
        const string doc = "torn";
        await WriteOpsAndCloseAsync(doc, 5);
        var path = LogPathOf(doc);
        var length = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            switch (damage)
            {
                case "cut-last-record":
                    file.SetLength(length - 3);
                    break;
                case "cut-inside-header":
                    file.SetLength(length - LogFormat.FrameSize(Op(5)) + 5);
                    break;
                case "garbage":
                    file.Seek(0, SeekOrigin.End);
                    file.Write(Encoding.ASCII.GetBytes("\u0007garbage that is not a record at all"));
                    break;
                case "zeros":
                    file.SetLength(length + 4096);
                    break;
            }
        }

        var expectedHead = damage is "cut-last-record" or "cut-inside-header" ? 4 : 5;
        await using (var log = await OpenAsync())
        {
            Assert.Equal(new LogHead(expectedHead, 1), await Bounded(log.ReadHeadAsync(doc)));
            Assert.Equal(expectedHead, (await Bounded(log.ReadOpsAsync(doc, 1, long.MaxValue, 100))).Count);
            Assert.Equal(AppendResult.Success(expectedHead + 1), await Bounded(log.AppendAsync(doc, expectedHead, [Op(expectedHead + 1)])));
        }

        await using var reopened = await OpenAsync();
        var ops = await Bounded(reopened.ReadOpsAsync(doc, 1, long.MaxValue, 100));
        Assert.Equal(Enumerable.Range(1, expectedHead + 1).Select(v => (long)v), ops.Select(op => op.V));
    }

    [Theory]
    [InlineData("payload-byte")]
    [InlineData("length-field")]
    public async Task A_damaged_record_in_the_middle_is_reported_not_skipped(string damage)
    {
        const string doc = "damaged";
        await WriteOpsAndCloseAsync(doc, 5);
        await WriteOpsAndCloseAsync("healthy", 2);
        var frame = LogFormat.FrameSize(Op(1));
        var third = LogFormat.HeaderSize(doc) + (2 * frame);
        var offset = damage == "payload-byte" ? third + frame - 1 : third + 1;
        var path = LogPathOf(doc);
        var length = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            var b = file.ReadByte();
            file.Position = offset;
            file.WriteByte((byte)(b ^ 0x5A));
        }

        await using var log = await OpenAsync();
        var error = await Assert.ThrowsAsync<LiveSyncException>(() => Bounded(log.ReadHeadAsync(doc)));
        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.Equal(length, new FileInfo(path).Length);

        // Reported again on the next use, and other documents are unaffected.
        await Assert.ThrowsAsync<LiveSyncException>(() => Bounded(log.AppendAsync(doc, 5, [Op(6)])));
        Assert.Equal(new LogHead(2, 1), await Bounded(log.ReadHeadAsync("healthy")));
    }

    [Fact]
    public async Task A_second_log_on_the_same_directory_fails_naming_it()
    {
        await using (var first = await OpenAsync())
        {
            var error = await Assert.ThrowsAsync<IOException>(() => OpenAsync());
            Assert.Contains(Path.GetFullPath(_directory.Path), error.Message, StringComparison.Ordinal);
            Assert.Contains("another LiveSync process", error.Message, StringComparison.Ordinal);
        }

        await using var afterwards = await OpenAsync();
        Assert.Equal(new LogHead(0, 1), await Bounded(afterwards.ReadHeadAsync("anything")));
    }

    [Fact]
    public async Task Concurrent_appends_to_many_documents_share_fsyncs()
    {
        const int documents = 32;
        const int bursts = 5;
        const int burstSize = 20;
        await using var log = await OpenAsync();
        var docs = Enumerable.Range(0, documents).Select(i => $"group-{i}").ToList();
        foreach (var doc in docs)
        {
            await Bounded(log.AppendAsync(doc, 0, [Op(1)]));
        }

        var syncsBefore = log.FsyncCount;
        var roundsBefore = log.FlushRoundCount;

        // Each writer pipelines a burst of appends (each naming the head the previous one produces) and awaits the
        // burst: all of them are written at once and wait for durability together.
        await Task.WhenAll(docs.Select(doc => Task.Run(async () =>
        {
            var head = 1;
            for (var b = 0; b < bursts; b++)
            {
                var pending = new List<Task<AppendResult>>();
                for (var i = 0; i < burstSize; i++, head++)
                {
                    pending.Add(log.AppendAsync(doc, head, [Op(head + 1)]).AsTask());
                }

                foreach (var result in await Task.WhenAll(pending))
                {
                    Assert.True(result.Appended);
                }
            }
        }))).WaitAsync(Timeout);

        const int appends = documents * bursts * burstSize;
        var syncs = log.FsyncCount - syncsBefore;
        var rounds = log.FlushRoundCount - roundsBefore;
        Assert.True(syncs < appends / 3, $"{syncs} fsyncs for {appends} appends");
        Assert.True(rounds < appends / 3, $"{rounds} flush rounds for {appends} appends");
        foreach (var doc in docs)
        {
            Assert.Equal(new LogHead(1 + (bursts * burstSize), 1), await Bounded(log.ReadHeadAsync(doc)));
        }
    }

    [Fact]
    public async Task Open_documents_stay_bounded_and_closed_ones_are_read_again()
    {
        const int max = 8;
        await using var log = await OpenAsync(new EmbeddedStorageOptions { DataDir = _directory.Path, MaxOpenDocuments = max });
        for (var d = 0; d < 50; d++)
        {
            await Bounded(log.AppendAsync($"lru-{d}", 0, [Op(1), Op(2)]));
            Assert.True(log.OpenDocumentCount <= max + 2, $"{log.OpenDocumentCount} documents open");
        }

        for (var d = 0; d < 50; d++)
        {
            Assert.Equal(new LogHead(2, 1), await Bounded(log.ReadHeadAsync($"lru-{d}")));
            Assert.Equal(AppendResult.Success(3), await Bounded(log.AppendAsync($"lru-{d}", 2, [Op(3)])));
            Assert.True(log.OpenDocumentCount <= max + 2, $"{log.OpenDocumentCount} documents open");
        }
    }

    [Fact]
    public async Task Only_the_latest_snapshots_are_kept()
    {
        const string doc = "snapshots";
        await using var log = await OpenAsync(new EmbeddedStorageOptions { DataDir = _directory.Path, SnapshotsKept = 2 });
        await Bounded(log.AppendAsync(doc, 0, Enumerable.Range(1, 50).Select(v => Op(v)).ToList()));
        foreach (var v in new[] { 10, 20, 30, 40, 50 })
        {
            await Bounded(log.WriteSnapshotAsync(doc, new StoredSnapshot(v, "text", "\"x\""u8.ToArray())));
        }

        var folder = Path.GetDirectoryName(LogPathOf(doc))!;
        Assert.Equal(2, Directory.GetFiles(folder, "snap-*").Length);
        Assert.Null(await Bounded(log.ReadSnapshotAsync(doc, 39)));
        Assert.Equal(40, (await Bounded(log.ReadSnapshotAsync(doc, 45)))!.V);
        Assert.Equal(50, (await Bounded(log.ReadSnapshotAsync(doc, 50)))!.V);
    }

    [Fact]
    public async Task A_snapshot_ahead_of_a_log_that_lost_its_tail_is_dropped()
    {
        const string doc = "ahead";
        await using (var log = await OpenAsync())
        {
            await Bounded(log.AppendAsync(doc, 0, [Op(1), Op(2), Op(3)]));
            await Bounded(log.WriteSnapshotAsync(doc, new StoredSnapshot(2, "text", "\"two\""u8.ToArray())));
            await Bounded(log.WriteSnapshotAsync(doc, new StoredSnapshot(3, "text", "\"three\""u8.ToArray())));
        }

        using (var file = new FileStream(LogPathOf(doc), FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - 1);
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(new LogHead(2, 1), await Bounded(reopened.ReadHeadAsync(doc)));
        Assert.Equal(2, (await Bounded(reopened.ReadSnapshotAsync(doc, long.MaxValue)))!.V);
    }

    [Theory]
    [InlineData(EmbeddedDurability.Batched)]
    [InlineData(EmbeddedDurability.None)]
    public async Task Other_durabilities_keep_data_across_reopen(EmbeddedDurability durability)
    {
        var options = new EmbeddedStorageOptions { DataDir = _directory.Path, Durability = durability, FlushInterval = TimeSpan.FromMilliseconds(20) };
        await using (var log = await OpenAsync(options))
        {
            for (var v = 1; v <= 10; v++)
            {
                Assert.Equal(AppendResult.Success(v), await Bounded(log.AppendAsync("relaxed", v - 1, [Op(v)])));
            }
        }

        await using var reopened = await OpenAsync(options);
        Assert.Equal(new LogHead(10, 1), await Bounded(reopened.ReadHeadAsync("relaxed")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("-starts-with-dash")]
    public async Task Invalid_document_ids_are_refused(string docId)
    {
        await using var log = await OpenAsync();

        var error = await Assert.ThrowsAsync<LiveSyncException>(() => Bounded(log.AppendAsync(docId, 0, [Op(1)])));
        Assert.Equal(ErrorCodes.InvalidDocId, error.Code);
        await Assert.ThrowsAsync<LiveSyncException>(() => Bounded(log.ReadHeadAsync(docId)));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory.Path, DocumentPaths.DocumentsFolder)));
    }

    [Fact]
    public async Task Reading_a_document_creates_no_files_and_use_after_dispose_throws()
    {
        var log = await OpenAsync();
        Assert.Equal(new LogHead(0, 1), await Bounded(log.ReadHeadAsync("only-read")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_directory.Path, DocumentPaths.DocumentsFolder)));

        await log.DisposeAsync().AsTask().WaitAsync(Timeout);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Bounded(log.ReadHeadAsync("only-read")));
    }

    [Fact]
    public async Task Options_out_of_range_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            FileOpLog.OpenAsync(new EmbeddedStorageOptions { DataDir = _directory.Path, MaxOpenDocuments = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            FileOpLog.OpenAsync(new EmbeddedStorageOptions { DataDir = _directory.Path, FlushInterval = TimeSpan.Zero }));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            FileOpLog.OpenAsync(new EmbeddedStorageOptions { DataDir = " " }));
    }

    private Task<FileOpLog> OpenAsync(EmbeddedStorageOptions? options = null) =>
        FileOpLog.OpenAsync(options ?? new EmbeddedStorageOptions { DataDir = _directory.Path }).WaitAsync(Timeout);

    private async Task WriteOpsAndCloseAsync(string doc, int count)
    {
        await using var log = await OpenAsync();
        for (var v = 1; v <= count; v++)
        {
            await Bounded(log.AppendAsync(doc, v - 1, [Op(v)]));
        }
    }

    private string LogPathOf(string doc) =>
        Path.Combine(_directory.Path, DocumentPaths.RelativeFolderOf(doc), DocumentPaths.LogFileName);

    private static StoredOp Op(long v, string clientId = "client-one", long seq = 0) =>
        new(v, clientId, seq == 0 ? v : seq, v - 1, 1_700_000_000_000 + v, Encoding.UTF8.GetBytes($"[{v}]"));

    private static Task<T> Bounded<T>(ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);

    private static Task Bounded(ValueTask task) => task.AsTask().WaitAsync(Timeout);
}
