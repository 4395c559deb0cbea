using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LiveSync.Client;
using LiveSync.Protocol;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;
using LiveSync.Server.Hubs;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LiveSync.Server.Tests.EndToEnd;

/// <summary>The .NET SDK against a real server: concurrent editors converge, and a lost acknowledgement costs nothing.</summary>
public sealed class SdkConvergenceTests(ITestOutputHelper output)
{
    private static readonly string[] Pieces = ["a", "b", "é", "😀", "👩‍🚀", "xy", " ", "𝄞"];

    [Theory]
    [InlineData(2, 60)]
    [InlineData(10, 30)]
    public async Task Concurrent_editors_converge_with_the_server_and_the_op_log(int clients, int editsEach)
    {
        await using var server = await LiveSyncTestServer.StartAsync();
        var docId = $"converge-{clients}";
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");

        var sdks = new List<LiveSyncClient>();
        var docs = new List<LiveSyncDocument>();
        try
        {
            for (var i = 0; i < clients; i++)
            {
                var client = new LiveSyncClient(new LiveSyncClientOptions { ServerUrl = server.BaseUri, ClientId = $"editor-{i:D4}" });
                sdks.Add(client);
                await client.ConnectAsync().Within();
                docs.Add(await client.OpenAsync(docId, new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("start") }).Within());
            }

            var started = Stopwatch.GetTimestamp();
            var editors = docs.Select((doc, i) => Task.Run(() => EditAsync(doc, new Random(seed + i), editsEach))).ToArray();
            var confirmed = (await Task.WhenAll(editors).Within(TimeSpan.FromSeconds(90))).Sum();
            var elapsed = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"{clients} clients: {confirmed} ops confirmed in {elapsed.TotalSeconds:F2} s ({confirmed / elapsed.TotalSeconds:F0} ops/s)");

            foreach (var doc in docs)
            {
                await doc.WhenSettledAsync().Within(TimeSpan.FromSeconds(30));
            }

            var snapshot = await server.Http.GetFromJsonAsync<JsonElement>($"/api/docs/{docId}").Within();
            var head = snapshot.GetProperty("v").GetInt64();
            foreach (var doc in docs)
            {
                await doc.WaitForVersionAsync(head, TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(35));
            }

            var expected = snapshot.GetProperty("data").GetString();
            Assert.All(docs, doc => Assert.Equal(expected, doc.Text));
            Assert.Equal(expected, await ReplayLogAsync(server, docId, head));
        }
        finally
        {
            foreach (var client in sdks)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_connection_dropped_between_submit_and_ack_applies_the_op_exactly_once()
    {
        var dropper = new DropFirstAckFilter("dropped-ack-client");
        await using var server = await LiveSyncTestServer.StartAsync(
            services: s => s.Configure<HubOptions<LiveSyncHub>>(o => o.AddFilter(dropper)));
        await using var client = new LiveSyncClient(new LiveSyncClientOptions { ServerUrl = server.BaseUri, ClientId = "dropped-ack-client" });
        await client.ConnectAsync().Within();
        var doc = await client.OpenAsync("drop-doc", new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("ab") }).Within();

        // The server stores this op, then the connection dies before the acknowledgement leaves.
        var version = await doc.InsertAsync(1, "X").Within(TimeSpan.FromSeconds(30));
        Assert.True(dropper.Dropped, "the acknowledgement was not dropped");
        await doc.WhenSettledAsync().Within(TimeSpan.FromSeconds(30));

        var snapshot = await server.Http.GetFromJsonAsync<JsonElement>("/api/docs/drop-doc").Within();
        Assert.Equal("aXb", snapshot.GetProperty("data").GetString());
        Assert.Equal(2, snapshot.GetProperty("v").GetInt64());
        Assert.Equal(2, version);
        Assert.Equal("aXb", doc.Text);

        // Later edits go on normally on the new connection.
        Assert.Equal(3, await doc.InsertAsync(3, "c").Within());
    }

    private static async Task<int> EditAsync(LiveSyncDocument doc, Random random, int edits)
    {
        var pending = new List<Task<long>>();
        for (var i = 0; i < edits; i++)
        {
            var length = CodePoints.Count(doc.Text ?? "");
            try
            {
                if (length > 0 && random.Next(3) == 0)
                {
                    var at = random.Next(length);
                    pending.Add(doc.RemoveAsync(at, Math.Min(1 + random.Next(3), length - at)));
                }
                else
                {
                    pending.Add(doc.InsertAsync(random.Next(length + 1), Pieces[random.Next(Pieces.Length)]));
                }
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.InvalidOp)
            {
                // A remote op shortened the text between reading its length and editing: pick again.
            }

            if (random.Next(4) == 0)
            {
                await Task.Yield();
            }
        }

        var confirmed = 0;
        foreach (var task in pending)
        {
            try
            {
                await task.Within(TimeSpan.FromSeconds(60));
                confirmed++;
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.InvalidOp)
            {
                // Rejected locally (stale position); nothing was sent.
            }
        }

        return confirmed;
    }

    private static async Task<string> ReplayLogAsync(LiveSyncTestServer server, string docId, long head)
    {
        string? text = null;
        for (long from = 1; from <= head;)
        {
            var page = await server.Http.GetFromJsonAsync<JsonElement>($"/api/docs/{docId}/ops?from={from}&to={head}").Within();
            foreach (var op in page.EnumerateArray())
            {
                Assert.Equal(from, op.GetProperty("v").GetInt64());
                text = op.TryGetProperty("create", out var create)
                    ? TextType.Instance.Create(create.TryGetProperty("data", out var data) ? data : null)
                    : TextType.Instance.Apply(text!, TextOp.Parse(op.GetProperty("op")));
                from++;
            }
        }

        return text!;
    }

    /// <summary>Lets the first Submit of one client reach the store, then kills the connection before the reply.</summary>
    private sealed class DropFirstAckFilter(string clientId) : IHubFilter
    {
        private int _dropped;

        public bool Dropped => _dropped == 1;

        public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
        {
            var drop = context.HubMethodName == "Submit"
                && context.HubMethodArguments[1] is JsonElement submission
                && submission.GetProperty("clientId").GetString() == clientId
                && submission.TryGetProperty("op", out _)
                && Interlocked.CompareExchange(ref _dropped, 1, 0) == 0;
            if (drop)
            {
                // Neither the broadcast nor the reply may reach the client: it learns the outcome only after reconnecting.
                await context.Hub.Groups.RemoveFromGroupAsync(context.Context.ConnectionId, HubGroups.Document((string)((JsonElement)context.HubMethodArguments[0]!).GetString()!));
            }

            var result = await next(context);
            if (drop)
            {
                context.Context.Abort();
                throw new OperationCanceledException("the connection was dropped before the acknowledgement");
            }

            return result;
        }
    }
}
