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

    private async Task<JsonElement> PostAsync(string docId, string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Http.PostAsync($"/api/docs/{docId}/ops", content).Within();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<JsonElement> GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await _server.Http.GetAsync(path).Within();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
