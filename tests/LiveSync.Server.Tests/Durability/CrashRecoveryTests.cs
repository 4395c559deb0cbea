using System.Collections.Concurrent;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol.Ot;
using LiveSync.Server.Tests.Hubs;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace LiveSync.Server.Tests.Durability;

/// <summary>Acknowledged data survives the server process being killed outright, and one data directory has one server.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_acknowledged_op_survives_kill_minus_9_and_versions_stay_contiguous()
    {
        using var dir = new TestDirectory();
        var server = await ServerProcess.StartWithDataDirAsync(dir.Path);
        var acked = new ConcurrentDictionary<(string ClientId, long Seq), long>();
        const int writers = 4;
        const int killAfter = 300;

        try
        {
            await using (var setup = await ConnectAsync(server, "setup-client"))
            {
                await LiveSyncHubTests.SubmitAsync(setup, "crash-doc", "setup-client", 1, 0, create: ("text", ""));
            }

            // Writers submit one op at a time each, as fast as acks come, until the server dies under them.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var killed = new TaskCompletionSource();
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var clientId = $"writer-{w:D4}";
                await using var connection = await ConnectAsync(server, clientId);
                long v = 1;
                for (long seq = 1; !stop.IsCancellationRequested; seq++)
                {
                    try
                    {
                        var op = JsonDocument.Parse($"[\"{w}\"]").RootElement;
                        var result = await connection.InvokeAsync<JsonElement>(
                            "Submit", "crash-doc", new { clientId, seq, v, op }, stop.Token).Within();
                        v = result.GetProperty("v").GetInt64();
                        acked[(clientId, seq)] = v;
                        if (acked.Count >= killAfter)
                        {
                            killed.TrySetResult();
                        }
                    }
                    catch (Exception) when (killed.Task.IsCompleted || stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            })).ToArray();

            await killed.Task.Within(TimeSpan.FromSeconds(60));
            await server.KillAsync();
            await Task.WhenAll(tasks).Within(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await server.DisposeAsync();
        }

        output.WriteLine($"{acked.Count} ops acknowledged before the kill");
        await using var restarted = await ServerProcess.StartWithDataDirAsync(dir.Path);
        await using var reader = await ConnectAsync(restarted, "reader-client");
        var snapshot = await reader.InvokeAsync<JsonElement>("Snapshot", "crash-doc", null).Within();
        var head = snapshot.GetProperty("v").GetInt64();
        Assert.True(head >= acked.Values.Max(), $"head {head} is below an acknowledged version {acked.Values.Max()}");

        var text = "";
        var found = new Dictionary<(string, long), long>();
        for (long from = 1; from <= head;)
        {
            var page = await reader.InvokeAsync<JsonElement>("Fetch", "crash-doc", from, null).Within();
            foreach (var op in page.EnumerateArray())
            {
                Assert.Equal(from, op.GetProperty("v").GetInt64());
                found[(op.GetProperty("clientId").GetString()!, op.GetProperty("seq").GetInt64())] = from;
                if (op.TryGetProperty("op", out var textOp))
                {
                    text = TextType.Instance.Apply(text, TextOp.Parse(textOp));
                }

                from++;
            }
        }

        foreach (var ((clientId, seq), v) in acked)
        {
            Assert.True(found.TryGetValue((clientId, seq), out var stored), $"acknowledged op {clientId}#{seq} (v{v}) is lost");
            Assert.Equal(v, stored);
        }

        Assert.Equal(text, snapshot.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_refuses_to_start()
    {
        using var dir = new TestDirectory();
        await using var first = await ServerProcess.StartWithDataDirAsync(dir.Path);
        await using var second = await ServerProcess.StartWithDataDirAsync(dir.Path, expectListening: false);

        Assert.True(second.HasExited);
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains(Path.GetFileName(dir.Path), second.Output, StringComparison.Ordinal);
        Assert.False(first.HasExited);
    }

    private static async Task<HubConnection> ConnectAsync(ServerProcess server, string clientId)
    {
        var connection = new HubConnectionBuilder()
            .WithLiveSyncWebSockets(new Uri(server.BaseUri, "/hubs/livesync?clientId=" + clientId))
            .Build();
        await connection.StartAsync().Within();
        return connection;
    }
}
