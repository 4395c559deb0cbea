using System.Text.Json;
using LiveSync.Client.Tests.Fakes;
using LiveSync.Protocol;
using LiveSync.Protocol.Ot;

namespace LiveSync.Client.Tests;

public sealed class LiveSyncDocumentTests
{
    private const string DocId = "doc-1";
    private readonly FakeServer _server = new();

    [Fact]
    public async Task OpensASnapshotAndCreatesTheDocument()
    {
        var a = _server.Connect("client-a1").Document(DocId);
        await a.OpenCoreAsync(default).Bounded();
        Assert.False(a.Exists);
        Assert.Equal(0, a.Version);

        var v = await a.CreateAsync("text", JsonSerializer.SerializeToElement("hello")).Bounded();

        Assert.Equal(1, v);
        Assert.Equal("hello", a.Text);
        Assert.Equal("text", a.Type);
        Assert.Equal("hello", _server.TextOf(DocId));
    }

    [Fact]
    public async Task AppliesLocalChangesAtOnceAndConfirmsThem()
    {
        var (a, _) = await TwoClientsAsync("abc");
        var changes = new List<DocumentChangedEventArgs>();
        a.Changed += (_, e) => changes.Add(e);

        var confirmed = a.InsertAsync(3, "d");
        Assert.Equal("abcd", a.Text);

        Assert.Equal(2, await confirmed.Bounded());
        Assert.Equal(2, a.Version);
        var change = Assert.Single(changes);
        Assert.True(change.IsLocal);
        Assert.Equal("[3,\"d\"]", change.Op!.Value.GetRawText());
    }

    [Fact]
    public async Task ConcurrentInsertsAtOnePlaceConvergeWithTheServer()
    {
        var (a, b) = await TwoClientsAsync(string.Empty);
        var endpointA = EndpointOf("client-a1");
        endpointA.Holding = true;

        var fromA = a.InsertAsync(0, "a");
        await b.InsertAsync(0, "b").Bounded();
        endpointA.Release();
        await Task.WhenAll(fromA, a.WhenSettledAsync(), b.WhenSettledAsync()).Bounded();
        await a.WaitForVersionAsync(3, TestTimeouts.Default);
        await b.WaitForVersionAsync(3, TestTimeouts.Default);

        // Whichever reached the server first, both end where the server is.
        Assert.Equal(2, _server.TextOf(DocId)!.Length);
        Assert.Equal(_server.TextOf(DocId), a.Text);
        Assert.Equal(_server.TextOf(DocId), b.Text);
    }

    [Fact]
    public async Task ManyConcurrentEditsConverge()
    {
        var (a, b) = await TwoClientsAsync("0123456789");
        var random = new Random(1234);
        var tasks = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            var doc = random.Next(2) == 0 ? a : b;
            var length = doc.Text!.Length;
            tasks.Add(random.Next(3) == 0 && length > 0
                ? doc.RemoveAsync(random.Next(length), 1)
                : doc.InsertAsync(random.Next(length + 1), ((char)('a' + random.Next(26))).ToString()));
            if (i % 17 == 0)
            {
                await Task.Yield();
            }
        }

        await Task.WhenAll(tasks).Bounded();
        await Task.WhenAll(a.WhenSettledAsync(), b.WhenSettledAsync()).Bounded();
        var head = _server.VersionOf(DocId);
        await a.WaitForVersionAsync(head, TestTimeouts.Default);
        await b.WaitForVersionAsync(head, TestTimeouts.Default);

        Assert.Equal(_server.TextOf(DocId), a.Text);
        Assert.Equal(_server.TextOf(DocId), b.Text);
    }

    [Fact]
    public async Task QueuesOneInFlightAndComposesTheRest()
    {
        var (a, _) = await TwoClientsAsync(string.Empty, confirmTimeout: TimeSpan.FromMinutes(1));
        var endpointA = EndpointOf("client-a1");
        endpointA.Holding = true;
        var before = _server.Submissions.Count;

        var first = a.InsertAsync(0, "x");
        await WaitUntilAsync(() => _server.Submissions.Count == before + 1);
        var second = a.InsertAsync(1, "y");
        var third = a.InsertAsync(2, "z");
        Assert.Equal("xyz", a.Text);

        endpointA.Release();
        await Task.WhenAll(first, second, third).Bounded();

        var mine = _server.Submissions.Skip(before).Where(s => s.ClientId == "client-a1").ToList();
        Assert.Equal([(2L, 2L), (3L, 3L)], mine.Select(s => (s.Seq, s.V)));
        Assert.Equal(await second, await third);
        Assert.Equal("xyz", _server.TextOf(DocId));
    }

    [Fact]
    public async Task FetchesItsOwnOpWhenTheBroadcastIsLost()
    {
        var (a, _) = await TwoClientsAsync("abc", confirmTimeout: TimeSpan.FromMilliseconds(20));
        var endpointA = EndpointOf("client-a1");
        endpointA.Drop = op => op.ClientId == "client-a1";

        Assert.Equal(2, await a.InsertAsync(0, "!").Bounded());

        Assert.Equal(2, a.Version);
        Assert.NotEmpty(endpointA.Fetches);
    }

    [Fact]
    public async Task FetchesAGapAndAppliesInOrder()
    {
        var (a, b) = await TwoClientsAsync(string.Empty);
        var endpointA = EndpointOf("client-a1");
        endpointA.Drop = op => op.V == 3;

        await b.InsertAsync(0, "1").Bounded();
        await b.InsertAsync(1, "2").Bounded();
        await b.InsertAsync(2, "3").Bounded();
        await a.WaitForVersionAsync(4, TestTimeouts.Default);

        Assert.Equal("123", a.Text);
        Assert.Contains((3L, (long?)3L), endpointA.Fetches);
    }

    [Fact]
    public async Task PagesAFetchOverMoreThanOneThousandOps()
    {
        var (a, b) = await TwoClientsAsync(string.Empty);
        for (var i = 0; i < 2500; i++)
        {
            _server.AppendQuietly(DocId, "client-b1", TextOp.Insert(0, "x"));
        }

        var endpointB = EndpointOf("client-b1");
        await _server.Connect("client-c1").SubmitAsync(DocId, new() { ClientId = "client-c1", Seq = 1, V = 2501, Op = JsonSerializer.SerializeToElement(new object[] { "y" }) }, default).Bounded();

        await b.WaitForVersionAsync(2502, TestTimeouts.Default);

        Assert.Equal(_server.TextOf(DocId), b.Text);
        Assert.Equal(3, endpointB.Fetches.Count);
        await a.WaitForVersionAsync(2502, TestTimeouts.Default);
        Assert.Equal(_server.TextOf(DocId), a.Text);
    }

    [Fact]
    public async Task BuffersOpsThatArriveWhileOpening()
    {
        var (_, b) = await TwoClientsAsync("base");
        var raced = false;
        _server.BeforeOpenReturns = docId =>
        {
            if (!raced)
            {
                raced = true;
                _server.Submit(docId, new() { ClientId = "client-z1", Seq = 1, V = 1, Op = JsonSerializer.SerializeToElement(new object[] { 4, "!" }) });
            }
        };

        var c = _server.Connect("client-c1").Document(DocId);
        await c.OpenCoreAsync(default).Bounded();
        await c.WaitForVersionAsync(2, TestTimeouts.Default);

        Assert.Equal("base!", c.Text);
        Assert.Equal("base", b.Text is "base" or "base!" ? "base" : b.Text);
    }

    [Fact]
    public async Task ResyncsAfterAReconnectAndResubmitsWithTheSameSeq()
    {
        var (a, b) = await TwoClientsAsync("hello");
        var endpointA = EndpointOf("client-a1");

        // A's op reaches the server, but the connection drops before A hears back.
        endpointA.Holding = true;
        var pending = a.InsertAsync(5, " world");
        await WaitUntilAsync(() => _server.Submissions.Any(s => s.ClientId == "client-a1" && s.Seq == 2));
        endpointA.Disconnect();
        endpointA.Release();
        var local = a.InsertAsync(0, ">");
        await b.InsertAsync(0, "<").Bounded();

        endpointA.Reconnect();
        await Task.WhenAll(pending, local, a.WhenSettledAsync()).Bounded();
        await b.WaitForVersionAsync(_server.VersionOf(DocId), TestTimeouts.Default);
        await a.WaitForVersionAsync(_server.VersionOf(DocId), TestTimeouts.Default);

        // A's unsent ">" was rebased over B's "<" as the left op, so it stays first.
        Assert.Equal("><hello world", _server.TextOf(DocId));
        Assert.Equal(_server.TextOf(DocId), a.Text);
        Assert.Equal(_server.TextOf(DocId), b.Text);
        var seqs = _server.Submissions.Where(s => s.ClientId == "client-a1").Select(s => s.Seq).Distinct();
        Assert.Equal([1L, 2L, 3L], seqs);
    }

    [Fact]
    public async Task ResubmitsAnUnsentChangeAfterAReconnect()
    {
        var (a, _) = await TwoClientsAsync("x");
        var endpointA = EndpointOf("client-a1");
        endpointA.Disconnect();

        var change = a.InsertAsync(1, "y");
        Assert.Equal("xy", a.Text);
        endpointA.Reconnect();

        Assert.Equal(2, await change.Bounded());
        Assert.Equal("xy", _server.TextOf(DocId));
    }

    [Fact]
    public async Task ReloadsWhenTheHistoryIsGoneAndKeepsTheChangeInFlight()
    {
        var (a, b) = await TwoClientsAsync("abc");
        var endpointA = EndpointOf("client-a1");
        endpointA.Holding = true;
        var pending = a.InsertAsync(0, "1");
        await WaitUntilAsync(() => _server.Submissions.Any(s => s.ClientId == "client-a1" && s.Seq == 2));
        endpointA.Disconnect();
        endpointA.Release();
        await b.WaitForVersionAsync(2, TestTimeouts.Default);
        await b.InsertAsync(4, "2").Bounded();
        _server.HistoryTrimmed = true;

        endpointA.Reconnect();

        Assert.Equal(2, await pending.Bounded());
        await a.WaitForVersionAsync(3, TestTimeouts.Default);
        Assert.Equal("1abc2", a.Text);
        Assert.Equal("1abc2", _server.TextOf(DocId));
    }

    [Fact]
    public async Task RollsBackARejectedChange()
    {
        var (a, _) = await TwoClientsAsync("keep");
        var errors = new List<Exception>();
        a.Error += (_, e) => errors.Add(e.Error);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Changed += (_, e) =>
        {
            if (e.IsReload)
            {
                reloaded.TrySetResult();
            }
        };
        _server.RejectNextWith = ErrorCodes.Forbidden;

        var error = await Assert.ThrowsAsync<LiveSyncException>(() => a.InsertAsync(0, "nope").Bounded());

        Assert.Equal(ErrorCodes.Forbidden, error.Code);
        await reloaded.Task.Bounded();
        Assert.Equal("keep", a.Text);
        Assert.Equal(ErrorCodes.Forbidden, Assert.IsType<LiveSyncException>(Assert.Single(errors)).Code);
        Assert.False(a.HasUnconfirmedChanges);

        // The next change goes through, with the next seq.
        Assert.Equal(2, await a.InsertAsync(0, "ok ").Bounded());
        Assert.Equal("ok keep", _server.TextOf(DocId));
    }

    [Fact]
    public async Task RejectsAnInvalidOpWithoutChangingAnything()
    {
        var (a, _) = await TwoClientsAsync("abc");

        var error = Assert.Throws<LiveSyncException>(() => { _ = a.InsertAsync(10, "x"); });

        Assert.Equal(ErrorCodes.InvalidOp, error.Code);
        Assert.Equal("abc", a.Text);
        Assert.False(a.HasUnconfirmedChanges);
    }

    [Fact]
    public async Task KeepsCountingSeqAcrossCloseAndReopen()
    {
        var (a, _) = await TwoClientsAsync(string.Empty);
        await a.InsertAsync(0, "1").Bounded();
        await a.CloseAsync().Bounded();

        await a.OpenCoreAsync(default).Bounded();
        await a.InsertAsync(1, "2").Bounded();

        var seqs = _server.Submissions.Where(s => s.ClientId == "client-a1").Select(s => s.Seq);
        Assert.Equal([1L, 2L, 3L], seqs);
        Assert.Equal("12", _server.TextOf(DocId));
    }

    [Fact]
    public async Task TracksOtherClientsPresence()
    {
        var (a, b) = await TwoClientsAsync(string.Empty);
        var seen = new TaskCompletionSource<PresenceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PresenceChanged += (_, e) => seen.TrySetResult(e);

        await b.SetPresenceAsync(JsonSerializer.SerializeToElement(new { cursor = 3 })).Bounded();

        var change = await seen.Task.Bounded();
        Assert.Equal("client-b1", change.ClientId);
        Assert.Equal(3, a.Presence["client-b1"].GetProperty("cursor").GetInt32());

        var c = _server.Connect("client-c1").Document(DocId);
        await c.OpenCoreAsync(default).Bounded();
        Assert.Equal(3, c.Presence["client-b1"].GetProperty("cursor").GetInt32());
    }

    [Fact]
    public async Task LosingACreateRaceReloadsTheWinner()
    {
        var a = _server.Connect("client-a1").Document(DocId);
        var endpointB = _server.Connect("client-b1");
        var b = endpointB.Document(DocId);
        await Task.WhenAll(a.OpenCoreAsync(default), b.OpenCoreAsync(default)).Bounded();

        // B does not hear of A's create before it tries its own.
        endpointB.Holding = true;
        var errors = 0;
        b.Error += (_, _) => Interlocked.Increment(ref errors);

        await a.CreateAsync("text", JsonSerializer.SerializeToElement("a wins")).Bounded();
        var lost = b.CreateCoreAsync("text", JsonSerializer.SerializeToElement("b loses"), ignoreAlreadyExists: true);

        var error = await Assert.ThrowsAsync<LiveSyncException>(() => lost.Bounded());
        Assert.Equal(ErrorCodes.AlreadyExists, error.Code);
        Assert.Equal("a wins", b.Text);
        endpointB.Release();
        await b.WaitForVersionAsync(1, TestTimeouts.Default);
        Assert.Equal("a wins", b.Text);
        Assert.Equal(0, errors);
    }

    private async Task<(LiveSyncDocument A, LiveSyncDocument B)> TwoClientsAsync(string text, TimeSpan? confirmTimeout = null)
    {
        var a = Endpoint("client-a1").Document(DocId, confirmTimeout);
        var b = Endpoint("client-b1").Document(DocId, confirmTimeout);
        await a.OpenCoreAsync(default).Bounded();
        await a.CreateAsync(OtTypes.Text.Name, JsonSerializer.SerializeToElement(text)).Bounded();
        await b.OpenCoreAsync(default).Bounded();
        Assert.Equal(text, b.Text);
        return (a, b);
    }

    private readonly Dictionary<string, FakeEndpoint> _endpoints = [];

    private FakeEndpoint Endpoint(string clientId) => _endpoints[clientId] = _server.Connect(clientId);

    private FakeEndpoint EndpointOf(string clientId) => _endpoints[clientId];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
