using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Server.Tests.Hubs;

/// <summary>The hub's contract, spoken by a stock SignalR client over JSON and WebSockets against a real server.</summary>
public sealed class LiveSyncHubTests : IAsyncLifetime
{
    private const string Alice = "alice-client-1";
    private const string Bob = "bob-client-0001";
    private LiveSyncTestServer _server = null!;
    private HubConnection _alice = null!;
    private HubConnection _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await LiveSyncTestServer.StartAsync();
        _alice = await _server.ConnectAsync(Alice);
        _bob = await _server.ConnectAsync(Bob);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Create_then_ops_produce_gapless_versions_and_the_snapshot()
    {
        Assert.Equal(1, await SubmitAsync(_alice, "doc-a", Alice, 1, 0, create: ("text", "hello")));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-a", Alice, 2, 1, op: "[5, \" world\"]"));
        Assert.Equal(3, await SubmitAsync(_alice, "doc-a", Alice, 3, 2, op: "[{\"d\": 1}, \"H\"]"));

        var snapshot = await _bob.InvokeAsync<JsonElement>("Snapshot", "doc-a", null).Within();
        Assert.Equal("Hello world", snapshot.GetProperty("data").GetString());
        Assert.Equal(3, snapshot.GetProperty("v").GetInt64());
        Assert.Equal("text", snapshot.GetProperty("type").GetString());

        var old = await _bob.InvokeAsync<JsonElement>("Snapshot", "doc-a", 1).Within();
        Assert.Equal("hello", old.GetProperty("data").GetString());

        var ops = await _bob.InvokeAsync<JsonElement>("Fetch", "doc-a", 2, null).Within();
        Assert.Equal([2L, 3L], ops.EnumerateArray().Select(o => o.GetProperty("v").GetInt64()));
        Assert.Equal(Alice, ops[0].GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task A_stale_submission_is_transformed_over_the_ops_it_missed()
    {
        await SubmitAsync(_alice, "doc-b", Alice, 1, 0, create: ("text", "ac"));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-b", Alice, 2, 1, op: "[1, \"b\"]"));

        // Bob edits version 1 too, inserting at the same place and deleting the "c".
        Assert.Equal(3, await SubmitAsync(_bob, "doc-b", Bob, 1, 1, op: "[1, \"X\", {\"d\": \"c\"}]"));

        var snapshot = await _bob.InvokeAsync<JsonElement>("Snapshot", "doc-b", null).Within();

        // The submitted op goes left of the applied one at the same position.
        Assert.Equal("aXb", snapshot.GetProperty("data").GetString());
        var ops = await _bob.InvokeAsync<JsonElement>("Fetch", "doc-b", 3, 3).Within();
        Assert.Equal("[1,\"X\",1,{\"d\":\"c\"}]", ops[0].GetProperty("op").GetRawText());
    }

    [Fact]
    public async Task The_same_client_and_seq_again_returns_the_first_version_and_changes_nothing()
    {
        await SubmitAsync(_alice, "doc-c", Alice, 1, 0, create: ("text", ""));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-c", Alice, 2, 1, op: "[\"x\"]"));
        Assert.Equal(3, await SubmitAsync(_bob, "doc-c", Bob, 1, 2, op: "[\"y\"]"));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-c", Alice, 2, 1, op: "[\"x\"]"));
        Assert.Equal(1, await SubmitAsync(_alice, "doc-c", Alice, 1, 0, create: ("text", "")));

        var snapshot = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-c", null).Within();
        Assert.Equal(3, snapshot.GetProperty("v").GetInt64());
        Assert.Equal("yx", snapshot.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Each_rejection_has_its_code_and_stores_nothing()
    {
        await SubmitAsync(_alice, "doc-d", Alice, 1, 0, create: ("text", "abc"));

        Assert.Equal(ErrorCodes.InvalidDocId, await CodeOf(() => _alice.InvokeAsync<JsonElement>("Open", "bad id!", null)));
        Assert.Equal(ErrorCodes.InvalidDocId, await CodeOf(() => SubmitAsync(_alice, "-starts-with-dash", Alice, 1, 0, create: ("text", ""))));
        Assert.Equal(ErrorCodes.InvalidDocId, await CodeOf(() => SubmitAsync(_alice, new string('a', 129), Alice, 1, 0, create: ("text", ""))));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => SubmitAsync(_alice, "doc-none", Alice, 1, 0, op: "[\"x\"]")));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => SubmitAsync(_alice, "doc-none", Alice, 1, 0, del: true)));
        Assert.Equal(ErrorCodes.AlreadyExists, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 2, 1, create: ("text", "again"))));
        Assert.Equal(ErrorCodes.VersionAhead, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 2, 5, op: "[\"x\"]")));
        Assert.Equal(ErrorCodes.SequenceGap, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 4, 1, op: "[\"x\"]")));
        Assert.Equal(ErrorCodes.SequenceGap, await CodeOf(() => SubmitAsync(_bob, "doc-d", Bob, 2, 1, op: "[\"x\"]")));
        Assert.Equal(ErrorCodes.InvalidOp, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 2, 1, op: "[10, \"x\"]")));
        Assert.Equal(ErrorCodes.InvalidOp, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 2, 1, op: "[{\"d\": \"xyz\"}]")));
        Assert.Equal(ErrorCodes.InvalidOp, await CodeOf(() => SubmitAsync(_alice, "doc-d", Alice, 2, 1, op: "{\"not\": \"an op\"}")));
        Assert.Equal(ErrorCodes.InvalidOp, await CodeOf(() => SubmitAsync(_alice, "doc-e", Alice, 1, 0, create: ("nosuchtype", ""))));
        Assert.Equal(ErrorCodes.BadRequest, await CodeOf(() => SubmitAsync(_alice, "doc-d", Bob, 2, 1, op: "[\"x\"]")));
        Assert.Equal(ErrorCodes.BadRequest, await CodeOf(() => _alice.InvokeAsync<JsonElement>("Submit", "doc-d", new { clientId = Alice, seq = 2, op = new object[] { "x" } })));
        Assert.Equal(ErrorCodes.BadRequest, await CodeOf(() => _alice.InvokeAsync<JsonElement>("Submit", "doc-d", new { clientId = Alice, seq = 2, v = 1, op = new object[] { "x" }, del = true })));
        Assert.Equal(ErrorCodes.BadRequest, await CodeOf(() => _alice.InvokeAsync<JsonElement>("Fetch", "doc-d", "one", null)));
        Assert.Equal(ErrorCodes.VersionAhead, await CodeOf(() => _alice.InvokeAsync<JsonElement>("Snapshot", "doc-d", 9)));

        var snapshot = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-d", null).Within();
        Assert.Equal(1, snapshot.GetProperty("v").GetInt64());
        Assert.Equal("abc", snapshot.GetProperty("data").GetString());
        var none = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-none", null).Within();
        Assert.Equal(0, none.GetProperty("v").GetInt64());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("type").ValueKind);

        // A rejected submission does not use up its seq.
        Assert.Equal(2, await SubmitAsync(_alice, "doc-d", Alice, 2, 1, op: "[3, \"d\"]"));
    }

    [Fact]
    public async Task Json_documents_take_ot_json0_ops_and_transform_concurrent_list_inserts()
    {
        Assert.Equal(1, await SubmitAsync(_alice, "doc-j", Alice, 1, 0, op: null, create: ("json", null)));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-j", Alice, 2, 1, op: "[{\"p\": [], \"od\": null, \"oi\": {\"items\": []}}]"));
        Assert.Equal(3, await SubmitAsync(_alice, "doc-j", Alice, 3, 2, op: "[{\"p\": [\"items\", 0], \"li\": \"alice\"}]"));

        // Bob inserts at the same index against version 2: his op is moved past Alice's and goes first.
        Assert.Equal(4, await SubmitAsync(_bob, "doc-j", Bob, 1, 2, op: "[{\"p\": [\"items\", 0], \"li\": \"bob\"}]"));
        Assert.Equal(ErrorCodes.InvalidOp, await CodeOf(() => SubmitAsync(_bob, "doc-j", Bob, 2, 4, op: "[{\"p\": [\"items\", 9], \"ld\": \"x\"}]")));

        var snapshot = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-j", null).Within();
        Assert.Equal("json", snapshot.GetProperty("type").GetString());
        Assert.Equal(["bob", "alice"], snapshot.GetProperty("data").GetProperty("items").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Delete_then_create_again_with_another_type()
    {
        await SubmitAsync(_alice, "doc-f", Alice, 1, 0, create: ("text", "x"));
        Assert.Equal(2, await SubmitAsync(_alice, "doc-f", Alice, 2, 1, del: true));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => SubmitAsync(_bob, "doc-f", Bob, 1, 1, op: "[\"y\"]")));
        Assert.Equal(3, await SubmitAsync(_alice, "doc-f", Alice, 3, 2, create: ("opaque", null)));
        Assert.Equal(4, await SubmitAsync(_bob, "doc-f", Bob, 1, 3, op: "{\"any\": [\"json\"]}"));

        var snapshot = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-f", null).Within();
        Assert.Equal("opaque", snapshot.GetProperty("type").GetString());
        Assert.Equal(4, snapshot.GetProperty("v").GetInt64());
        var deleted = await _alice.InvokeAsync<JsonElement>("Snapshot", "doc-f", 2).Within();
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("type").ValueKind);
    }

    [Fact]
    public async Task Open_returns_the_snapshot_or_the_ops_since_and_subscribes_to_ops_in_order()
    {
        var received = new List<long>();
        var four = new TaskCompletionSource();
        _bob.On<string, JsonElement>("op", (docId, op) =>
        {
            lock (received)
            {
                received.Add(op.GetProperty("v").GetInt64());
                if (received.Count == 4)
                {
                    four.TrySetResult();
                }
            }
        });

        var opened = await _bob.InvokeAsync<JsonElement>("Open", "doc-g", null).Within();
        Assert.Equal(0, opened.GetProperty("v").GetInt64());
        Assert.Equal(JsonValueKind.Null, opened.GetProperty("data").ValueKind);

        await SubmitAsync(_alice, "doc-g", Alice, 1, 0, create: ("text", ""));
        for (var i = 2; i <= 4; i++)
        {
            await SubmitAsync(_alice, "doc-g", Alice, i, i - 1, op: "[\"" + i + "\"]");
        }

        await four.Task.Within();
        Assert.Equal([1L, 2L, 3L, 4L], received);

        var since = await _bob.InvokeAsync<JsonElement>("Open", "doc-g", 2).Within();
        Assert.Equal(4, since.GetProperty("v").GetInt64());
        Assert.False(since.TryGetProperty("data", out _));
        Assert.Equal([3L, 4L], since.GetProperty("ops").EnumerateArray().Select(o => o.GetProperty("v").GetInt64()));
        Assert.Equal(ErrorCodes.VersionAhead, await CodeOf(() => _bob.InvokeAsync<JsonElement>("Open", "doc-g", 7)));
    }

    [Fact]
    public async Task Presence_reaches_others_is_returned_by_open_and_is_cleared_on_disconnect()
    {
        var seen = new TaskCompletionSource<(string ClientId, JsonElement Presence)>();
        var cleared = new TaskCompletionSource<string>();
        _bob.On<string, string, JsonElement?>("presence", (docId, clientId, presence) =>
        {
            if (presence is { ValueKind: not JsonValueKind.Null } p)
            {
                seen.TrySetResult((clientId, p));
            }
            else
            {
                cleared.TrySetResult(clientId);
            }
        });
        await _bob.InvokeAsync<JsonElement>("Open", "doc-p", null).Within();
        await _alice.InvokeAsync<JsonElement>("Open", "doc-p", null).Within();

        await _alice.InvokeAsync("SetPresence", "doc-p", new { cursor = 3, name = "Alice" }).Within();
        var (who, what) = await seen.Task.Within();
        Assert.Equal(Alice, who);
        Assert.Equal(3, what.GetProperty("cursor").GetInt32());

        await using var carol = await _server.ConnectAsync("carol-client-1");
        var opened = await carol.InvokeAsync<JsonElement>("Open", "doc-p", null).Within();
        Assert.Equal("Alice", opened.GetProperty("presence").GetProperty(Alice).GetProperty("name").GetString());

        await _alice.StopAsync().Within();
        Assert.Equal(Alice, await cleared.Task.Within());
        var after = await carol.InvokeAsync<JsonElement>("Open", "doc-p", null).Within();
        Assert.False(after.GetProperty("presence").TryGetProperty(Alice, out _));
    }

    [Fact]
    public async Task WhoAmI_names_the_client_and_a_connection_without_one_gets_a_fresh_id()
    {
        var me = await _alice.InvokeAsync<JsonElement>("WhoAmI").Within();
        Assert.Equal(Alice, me.GetProperty("clientId").GetString());

        await using var anonymous = await _server.ConnectAsync(null);
        var given = (await anonymous.InvokeAsync<JsonElement>("WhoAmI").Within()).GetProperty("clientId").GetString();
        Assert.True(Identifiers.IsValidClientId(given));
    }

    internal static async Task<string> CodeOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => call().Within());
        var parsed = LiveSyncException.FromWireMessage(error.Message);
        Assert.True(parsed is not null, "no error code in: " + error.Message);
        return parsed.Code;
    }

    internal static async Task<long> SubmitAsync(
        HubConnection connection, string docId, string clientId, long seq, long v,
        string? op = null, (string Type, string? Data)? create = null, bool del = false)
    {
        var submission = new Dictionary<string, object?> { ["clientId"] = clientId, ["seq"] = seq, ["v"] = v };
        if (op is not null)
        {
            submission["op"] = JsonDocument.Parse(op).RootElement;
        }

        if (create is { } c)
        {
            submission["create"] = c.Data is null ? new { type = c.Type } : new { type = c.Type, data = c.Data };
        }

        if (del)
        {
            submission["del"] = true;
        }

        var result = await connection.InvokeAsync<JsonElement>("Submit", docId, submission).Within();
        return result.GetProperty("v").GetInt64();
    }
}
