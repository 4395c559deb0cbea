using System.Net;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Server.Tests.Infrastructure;

namespace LiveSync.Server.Tests.Http;

/// <summary>The plain HTTP interface against a real server.</summary>
public sealed class DocumentsApiTests : IAsyncLifetime
{
    private LiveSyncTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveSyncTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Submit_read_snapshot_and_ops_over_http()
    {
        Assert.Equal(1, (await PostAsync("http:doc", """{"v":0,"create":{"type":"text","data":"héllo"}}""", HttpStatusCode.OK)).GetProperty("v").GetInt64());
        var body = """{"clientId":"http-client-1","seq":1,"v":1,"op":[5," 👋"]}""";
        Assert.Equal(2, (await PostAsync("http:doc", body, HttpStatusCode.OK)).GetProperty("v").GetInt64());

        // A retry with the same client id and seq is answered with the first version.
        Assert.Equal(2, (await PostAsync("http:doc", body, HttpStatusCode.OK)).GetProperty("v").GetInt64());

        var snapshot = await GetAsync("/api/docs/http:doc", HttpStatusCode.OK);
        Assert.Equal("héllo 👋", snapshot.GetProperty("data").GetString());
        Assert.Equal(2, snapshot.GetProperty("v").GetInt64());
        var first = await GetAsync("/api/docs/http:doc?v=1", HttpStatusCode.OK);
        Assert.Equal("héllo", first.GetProperty("data").GetString());

        var ops = await GetAsync("/api/docs/http:doc/ops?from=1&to=2", HttpStatusCode.OK);
        Assert.Equal(2, ops.GetArrayLength());
        Assert.Equal("text", ops[0].GetProperty("create").GetProperty("type").GetString());
        Assert.Equal("http-client-1", ops[1].GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task A_large_text_document_reads_back_whole_after_edits_snapshots_and_a_restart()
    {
        // Large enough for many chunks in the server's memory, edited past two snapshot intervals.
        var text = string.Concat(Enumerable.Range(0, 12_000).Select(i => i % 97 == 0 ? "😅\n" : "text " + i));
        using var dir = new TestDirectory();
        Action<LiveSync.Server.LiveSyncOptions> bigOps = o => o.MaxOpBytes = 1024 * 1024; // the create carries it all
        var server = await LiveSyncTestServer.StartAsync(dir.Path, bigOps);
        var expected = new List<string>();
        try
        {
            await PostAsync(server, "big", JsonSerializer.Serialize(new { v = 0, create = new { type = "text", data = text } }), HttpStatusCode.OK);
            expected.Add(text);
            var random = new Random(7);
            for (var seq = 1; seq <= 230; seq++)
            {
                var length = LiveSync.Protocol.Ot.Text.CodePoints.Count(text);
                var pos = random.Next(length - 10);
                var op = seq % 3 == 0 ? LiveSync.Protocol.Ot.TextOp.Delete(pos, 10) : LiveSync.Protocol.Ot.TextOp.Insert(pos, $"[{seq}🤖]");
                var body = $$"""{"clientId":"big-client","seq":{{seq}},"v":{{seq}},"op":{{op.ToJson()}}}""";
                await PostAsync(server, "big", body, HttpStatusCode.OK);
                text = LiveSync.Protocol.Ot.TextType.Instance.Apply(text, op);
                expected.Add(text);
            }

            await AssertReadsAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
        }

        await using var restarted = await LiveSyncTestServer.StartAsync(dir.Path, bigOps);
        await AssertReadsAsync(restarted);

        async Task AssertReadsAsync(LiveSyncTestServer at)
        {
            foreach (var v in new[] { 231, 150, 100, 1 })
            {
                var snapshot = await GetAsync(at, $"/api/docs/big?v={v}", HttpStatusCode.OK);
                Assert.Equal(v, snapshot.GetProperty("v").GetInt64());
                Assert.True(expected[v - 1] == snapshot.GetProperty("data").GetString(), $"version {v} differs");
            }
        }
    }

    [Theory]
    [InlineData("bad%20id", """{"v":0,"create":{"type":"text"}}""", ErrorCodes.InvalidDocId, HttpStatusCode.BadRequest)]
    [InlineData("missing", """{"v":0,"op":["x"]}""", ErrorCodes.NotFound, HttpStatusCode.NotFound)]
    [InlineData("existing", """{"v":1,"create":{"type":"text"}}""", ErrorCodes.AlreadyExists, HttpStatusCode.Conflict)]
    [InlineData("existing", """{"v":7,"op":["x"]}""", ErrorCodes.VersionAhead, HttpStatusCode.Conflict)]
    [InlineData("existing", """{"v":1,"op":["\ud800"]}""", ErrorCodes.InvalidOp, HttpStatusCode.BadRequest)]
    [InlineData("existing", """{"v":1,"op":[99,"x"]}""", ErrorCodes.InvalidOp, HttpStatusCode.BadRequest)]
    [InlineData("existing", """{"v":1}""", ErrorCodes.BadRequest, HttpStatusCode.BadRequest)]
    [InlineData("existing", """not json""", ErrorCodes.BadRequest, HttpStatusCode.BadRequest)]
    [InlineData("existing", """{"clientId":"http-client-2","seq":3,"v":1,"op":["x"]}""", ErrorCodes.SequenceGap, HttpStatusCode.Conflict)]
    public async Task Errors_have_the_contract_code_and_status_and_store_nothing(string docId, string body, string code, HttpStatusCode status)
    {
        await PostAsync("existing", """{"v":0,"create":{"type":"text","data":"abc"}}""", HttpStatusCode.OK);

        var error = await PostAsync(docId, body, status);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));

        var snapshot = await GetAsync("/api/docs/existing", HttpStatusCode.OK);
        Assert.Equal(1, snapshot.GetProperty("v").GetInt64());
        Assert.Equal("abc", snapshot.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Reads_report_errors_too()
    {
        Assert.Equal(ErrorCodes.InvalidDocId, (await GetAsync("/api/docs/-x", HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Equal(ErrorCodes.VersionAhead, (await GetAsync("/api/docs/nothing?v=3", HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(ErrorCodes.BadRequest, (await GetAsync("/api/docs/nothing/ops?from=x", HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Equal(0, (await GetAsync("/api/docs/nothing/ops", HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/healthz").Within()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/readyz").Within()).StatusCode);
    }

    private Task<JsonElement> PostAsync(string docId, string body, HttpStatusCode expected) => PostAsync(_server, docId, body, expected);

    private Task<JsonElement> GetAsync(string path, HttpStatusCode expected) => GetAsync(_server, path, expected);

    private static async Task<JsonElement> PostAsync(LiveSyncTestServer server, string docId, string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync($"/api/docs/{docId}/ops", content).Within();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> GetAsync(LiveSyncTestServer server, string path, HttpStatusCode expected)
    {
        using var response = await server.Http.GetAsync(path).Within();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
