using System.Collections.Concurrent;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.MultiServer;

/// <summary>redis-server killed with SIGKILL and restarted (AOF, appendfsync always) while two servers take edits.</summary>
public sealed class RedisRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task No_acknowledged_op_is_lost_when_Redis_is_killed_and_restarted_and_clients_continue_after()
    {
        await using var redis = await RedisServerFixture.StartAsync(appendOnly: true).Within(TimeSpan.FromSeconds(60));
        await using (var setup = await RespConnection.ConnectAsync(redis.Options()).Within())
        {
            await setup.ExecuteAsync("CONFIG", "SET", "appendfsync", "always").Within();
        }

        // Short command timeouts, so an append caught by the kill is settled (or failed) quickly.
        var servers = await ServerProcess.StartManyWithRedisAsync(2, redis.Configuration + ",commandTimeout=2000");
        try
        {
            var doc = $"restart-{Guid.NewGuid():N}";
            var clients = new List<HubClient>();
            for (var i = 0; i < 4; i++)
            {
                clients.Add(await HubClient.ConnectAsync(servers[i % servers.Length].BaseUri, $"client-{i:D4}"));
            }

            var acknowledged = new ConcurrentBag<(string ClientId, long Seq, long V)>();
            acknowledged.Add((clients[0].ClientId, 1, await clients[0].SubmitAsync(doc, TextEdits.Create(clients[0].ClientId))));
            var unavailable = 0;
            var stop = 0;
            var writers = clients.Select((client, index) => Task.Run(async () =>
            {
                var random = new Random(index);
                for (long seq = index == 0 ? 2 : 1; Volatile.Read(ref stop) == 0 && seq < 100_000; seq++)
                {
                    var (v, text) = await client.TextUntilAvailableAsync(doc, _ => Interlocked.Increment(ref unavailable));
                    var submission = TextEdits.RandomEdit(random, client.ClientId, seq, v, text);
                    var stored = await client.SubmitUntilStoredAsync(doc, submission, _ => Interlocked.Increment(ref unavailable));
                    acknowledged.Add((client.ClientId, seq, stored));
                }
            })).ToArray();

            Assert.True(await Bounded.UntilAsync(() => Task.FromResult(acknowledged.Count >= 60)), "edits never got going");
            await redis.KillAsync();
            var atKill = acknowledged.Count;
            Assert.True(await Bounded.UntilAsync(() => Task.FromResult(Volatile.Read(ref unavailable) > 0)), "no client noticed Redis was down");
            await redis.RestartAsync().Within(TimeSpan.FromSeconds(30));
            var atRestart = acknowledged.Count;
            Assert.True(
                await Bounded.UntilAsync(() => Task.FromResult(acknowledged.Count >= atRestart + 60), TimeSpan.FromSeconds(60)),
                "clients did not continue after Redis came back");
            Volatile.Write(ref stop, 1);
            await Task.WhenAll(writers).Within(TimeSpan.FromSeconds(90));

            await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
            var stream = await StreamLog.ReadAllAsync(raw, doc);
            var last = StreamLog.AssertWhole(stream, acknowledged);
            var expected = StreamLog.ReplayText(stream);
            foreach (var server in servers)
            {
                await using var reader = await HubClient.ConnectAsync(server.BaseUri, $"reader-{Guid.NewGuid():N}"[..20]);
                var (v, text) = await reader.TextUntilAvailableAsync(doc);
                Assert.Equal(last, v);
                Assert.Equal(expected, text);
            }

            Assert.All(servers, server => Assert.DoesNotContain("is not safe to use", server.Output, StringComparison.Ordinal));
            output.WriteLine($"{acknowledged.Count} acknowledged ({atKill} before the kill), {last} versions stored, {unavailable} unavailable answers retried");
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }
}
