using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Server.Tests.Hubs;

/// <summary>The messagepack hub protocol end to end, next to a JSON client on the same document.</summary>
public sealed class MessagePackHubTests : IAsyncLifetime
{
    private LiveSyncTestServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveSyncTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_messagepack_client_and_a_json_client_edit_one_document_and_agree()
    {
        await using var binary = new HubConnectionBuilder()
            .AddLiveSyncMessagePackProtocol()
            .WithLiveSyncWebSockets(_server.HubUri("msgpack-client"))
            .Build();
        await binary.StartAsync().Within();
        await using var json = await _server.ConnectAsync("json-client-01");

        var seen = new TaskCompletionSource<JsonElement>();
        binary.On<string, JsonElement>("op", (_, op) =>
        {
            if (op.GetProperty("v").GetInt64() == 2)
            {
                seen.TrySetResult(op);
            }
        });
        await binary.InvokeAsync<JsonElement>("Open", "mixed", null).Within();

        Assert.Equal(1, await LiveSyncHubTests.SubmitAsync(binary, "mixed", "msgpack-client", 1, 0, create: ("text", "héllo")));
        Assert.Equal(2, await LiveSyncHubTests.SubmitAsync(json, "mixed", "json-client-01", 1, 1, op: "[5, \" 👋\"]"));

        var op = await seen.Task.Within();
        var received = op.GetProperty("op");
        Assert.Equal(5, received[0].GetInt32());
        Assert.Equal(" 👋", received[1].GetString());
        Assert.Equal("json-client-01", op.GetProperty("clientId").GetString());

        var fromBinary = await binary.InvokeAsync<JsonElement>("Snapshot", "mixed", null).Within();
        var fromJson = await json.InvokeAsync<JsonElement>("Snapshot", "mixed", null).Within();
        Assert.Equal("héllo 👋", fromBinary.GetProperty("data").GetString());
        Assert.Equal(fromJson.GetProperty("data").GetString(), fromBinary.GetProperty("data").GetString());

        Assert.Equal(ErrorCodes.VersionAhead, await LiveSyncHubTests.CodeOf(() => LiveSyncHubTests.SubmitAsync(binary, "mixed", "msgpack-client", 2, 9, op: "[\"x\"]")));
    }
}
