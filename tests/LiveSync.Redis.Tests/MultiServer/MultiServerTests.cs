using System.Collections.Concurrent;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Storage;
using LiveSync.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.MultiServer;

/// <summary>
/// Several LiveSync server processes on one Redis, driven by stock SignalR clients spread over them: the
/// conditional append must give one gapless history, whichever server each client talks to.
/// </summary>
public sealed class MultiServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Clients_on_three_servers_editing_one_text_converge_on_one_gapless_history()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = await ServerProcess.StartManyWithRedisAsync(3, redis.Configuration);
        try
        {
            await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
            var doc = $"shared-{Guid.NewGuid():N}";
            const int clientsPerServer = 3;
            const int editsPerClient = 30;

            var clients = new List<HubClient>();
            for (var i = 0; i < servers.Length * clientsPerServer; i++)
            {
                clients.Add(await HubClient.ConnectAsync(servers[i % servers.Length].BaseUri, $"client-{i:D4}"));
            }

            var acknowledged = new ConcurrentBag<(string ClientId, long Seq, long V)>();
            acknowledged.Add((clients[0].ClientId, 1, await clients[0].SubmitAsync(doc, TextEdits.Create(clients[0].ClientId))));
            var conflicts = 0;
            var stale = 0;
            var unavailable = new ConcurrentDictionary<string, int>();

            await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
            {
                var random = new Random(index);
                var firstSeq = index == 0 ? 2 : 1;
                for (long seq = firstSeq; seq < firstSeq + editsPerClient; seq++)
                {
                    var (v, text) = await client.TextUntilAvailableAsync(doc);
                    var submission = TextEdits.RandomEdit(random, client.ClientId, seq, v, text);
                    var stored = await client.SubmitUntilStoredAsync(doc, submission, message =>
                    {
                        Interlocked.Increment(ref conflicts);
                        unavailable.TryAdd(message[(message.IndexOf("unavailable:", StringComparison.Ordinal))..], 0);
                    });
                    acknowledged.Add((client.ClientId, seq, stored));
                    if (stored > v + 1)
                    {
                        Interlocked.Increment(ref stale);
                    }
                }
            }))).Within(TimeSpan.FromSeconds(120));

            var stream = await StreamLog.ReadAllAsync(raw, doc);
            var last = StreamLog.AssertWhole(stream, acknowledged);
            Assert.Equal(1 + (clients.Count * editsPerClient), last);
            Assert.Equal(acknowledged.Count, acknowledged.Distinct().Count());

            // Every server, asked afresh, has the same text at the head, and it is what replaying the log gives.
            var expected = StreamLog.ReplayText(stream);
            foreach (var server in servers)
            {
                await using var reader = await HubClient.ConnectAsync(server.BaseUri, $"reader-{Guid.NewGuid():N}"[..20]);
                var (v, text) = await reader.TextUntilAvailableAsync(doc);
                Assert.Equal(last, v);
                Assert.Equal(expected, text);
            }

            output.WriteLine($"{last} versions from {clients.Count} clients on {servers.Length} servers; {stale} submissions transformed past ops they had not seen; {conflicts} unavailable answers retried; final text {expected.Length} chars");
            foreach (var message in unavailable.Keys)
            {
                output.WriteLine("  retried: " + message);
            }

            // Unavailable answers may only come from losing append races too often, never from a false alarm.
            Assert.All(servers, server => Assert.DoesNotContain("is not safe to use", server.Output, StringComparison.Ordinal));
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

    [Fact]
    public async Task A_stream_deleted_by_hand_is_reported_unavailable_by_every_server_and_not_reused()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        await using var first = await ServerProcess.StartWithRedisAsync(redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var doc = $"deleted-{Guid.NewGuid():N}";
        await using (var client = await HubClient.ConnectAsync(first.BaseUri, "client-writer"))
        {
            await client.SubmitAsync(doc, TextEdits.Create(client.ClientId));
            for (var seq = 2; seq <= 4; seq++)
            {
                var (v, text) = await client.TextUntilAvailableAsync(doc);
                await client.SubmitAsync(doc, TextEdits.RandomEdit(new Random(seq), client.ClientId, seq, v, text));
            }

            Assert.Equal(1, (await raw.ExecuteAsync("DEL", new RedisKeys("livesync:").Ops(doc)).Within()).AsInt64());

            var submit = await Assert.ThrowsAsync<HubException>(() => client.SubmitAsync(
                doc, TextEdits.RandomEdit(new Random(5), client.ClientId, 5, 4, "abcdefgh")));
            Assert.True(HubClient.IsUnavailable(submit), submit.Message);
            var create = await Assert.ThrowsAsync<HubException>(() => client.SubmitAsync(doc, TextEdits.Create(client.ClientId) with { Seq = 5 }));
            Assert.True(HubClient.IsUnavailable(create), create.Message);
        }

        // A server started afterwards, which never saw the document, refuses it too.
        await using var second = await ServerProcess.StartWithRedisAsync(redis.Configuration);
        await using (var reader = await HubClient.ConnectAsync(second.BaseUri, "client-reader"))
        {
            var read = await Assert.ThrowsAsync<HubException>(() => reader.SnapshotAsync(doc));
            Assert.True(HubClient.IsUnavailable(read), read.Message);
            var create = await Assert.ThrowsAsync<HubException>(() => reader.SubmitAsync(doc, TextEdits.Create(reader.ClientId)));
            Assert.True(HubClient.IsUnavailable(create), create.Message);
        }

        Assert.Equal(0, (await raw.ExecuteAsync("EXISTS", new RedisKeys("livesync:").Ops(doc)).Within()).AsInt64());
        Assert.Contains("is not safe to use", first.Output, StringComparison.Ordinal);
        Assert.Contains("is not safe to use", second.Output, StringComparison.Ordinal);
    }
}
