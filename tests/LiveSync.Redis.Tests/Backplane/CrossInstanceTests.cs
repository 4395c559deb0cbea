using LiveSync.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// Two and three server processes on one Redis with a client on each: ops and presence from a client on one server
/// reach the clients on the others, in version order, and <c>Open</c> on any server shows the presence of clients on
/// all of them. Cross-server latency is measured and printed; only correctness is asserted.
/// </summary>
public sealed class CrossInstanceTests(ITestOutputHelper output)
{
    /// <summary>The first ops load code on each server (JIT, first script calls); they are checked but not timed.</summary>
    private const int WarmUpOps = 20;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Ops_and_presence_from_one_server_reach_clients_on_the_others_in_version_order(int serverCount)
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = await ServerProcess.StartManyWithRedisAsync(serverCount, redis.Configuration);
        var listeners = new List<DocListener>();
        try
        {
            var doc = $"cross-{Guid.NewGuid():N}";
            for (var i = 0; i < serverCount; i++)
            {
                listeners.Add(await DocListener.ConnectAsync(servers[i].BaseUri, $"listener-{i:D2}", doc));
            }

            var (created, _) = await listeners[0].SubmitAsync(0, null, create: true);
            Assert.Equal(1, created);
            foreach (var listener in listeners)
            {
                await listener.OpenAsync();
            }

            // Sequential: one op at a time, round robin over the servers, each awaited by every client. Every op is
            // made against version 1 (an insert at the start), which each server has seen: a server sequencing a
            // submission made against a version it has not loaded yet answers version_ahead (see the report).
            const int sequentialOps = 120;
            var opLatencies = new List<double>();
            for (var k = 1; k <= sequentialOps; k++)
            {
                var sender = listeners[k % serverCount];
                var (v, sentAt) = await sender.SubmitAsync(1, $"[\"{(char)('a' + (k % 26))}\"]");
                Assert.Equal(k + 1, v);
                foreach (var receiver in listeners.Where(l => l != sender))
                {
                    var arrived = await receiver.ArrivalOfAsync(v);
                    if (k > WarmUpOps)
                    {
                        opLatencies.Add(Latency.Ms(sentAt, arrived));
                    }
                }
            }

            var head = sequentialOps + 1L;
            foreach (var listener in listeners)
            {
                // The loop above waited for the other clients only; a sender's own last op may still be on its way.
                await listener.AllVersionsAsync(2, head);

                // Everything the server sent this client, in the order it came: every version, ascending (the creator
                // got version 1 before it opened, so it is not in every list). A server whose Redis link dropped and
                // came back re-sends a document's latest op, which clients drop as a duplicate: only first arrivals count.
                Assert.Equal(Enumerable.Range(2, (int)head - 1).Select(v => (long)v), listener.Versions.Where(v => v > 1).Distinct());
            }

            // Concurrent: every client submits at once; versions sequenced on different servers may arrive out of
            // order (clients fetch such gaps), but every op reaches every client exactly once.
            const int concurrentOps = 30;
            await Task.WhenAll(listeners.Select(listener => Task.Run(async () =>
            {
                for (var i = 0; i < concurrentOps; i++)
                {
                    await listener.SubmitAsync(1, "[\"z\"]");
                }
            }))).Within(TimeSpan.FromSeconds(60));
            head += serverCount * concurrentOps;
            var outOfOrder = 0;
            foreach (var listener in listeners)
            {
                await listener.AllVersionsAsync(2, head);
                var versions = listener.Versions;
                Assert.Equal(head - 1, versions.Where(v => v > 1).Distinct().Count());
                outOfOrder += versions.Zip(versions.Skip(1)).Count(pair => pair.Second < pair.First);
            }

            // Presence: each client's value reaches the others; a client opening later on any server sees them all.
            var presenceLatencies = new List<double>();
            for (var round = 20; round >= 0; round--)
            {
                // Round 0 last, so every client's final value is {"caret":i}.
                for (var i = 0; i < serverCount; i++)
                {
                    var value = round == 0 ? $"{{\"caret\":{i}}}" : $"{{\"caret\":{i},\"round\":{round}}}";
                    var sentAt = await listeners[i].SetPresenceAsync(value);
                    foreach (var receiver in listeners.Where(l => l != listeners[i]))
                    {
                        presenceLatencies.Add(Latency.Ms(sentAt, await receiver.PresenceArrivalAsync(listeners[i].ClientId, value)));
                    }
                }
            }

            for (var i = 0; i < serverCount; i++)
            {
                await using var late = await DocListener.ConnectAsync(servers[i].BaseUri, $"late-opener-{i}", doc);
                var presence = await late.OpenAsync();
                Assert.Equal(listeners.Select(l => l.ClientId).Order(), presence.Keys.Order());
                Assert.All(listeners.Select((l, n) => (l, n)), pair => Assert.Equal($"{{\"caret\":{pair.n}}}", presence[pair.l.ClientId]));
            }

            // Leaving: Close on one server clears the client's presence on every server.
            await listeners[0].CloseAsync();
            foreach (var receiver in listeners.Skip(1))
            {
                await receiver.PresenceArrivalAsync(listeners[0].ClientId, null);
            }

            await using (var after = await DocListener.ConnectAsync(servers[^1].BaseUri, "after-close", doc))
            {
                Assert.DoesNotContain(listeners[0].ClientId, (await after.OpenAsync()).Keys);
            }

            output.WriteLine($"{serverCount} servers: op submit -> client on another server: {Latency.Describe(opLatencies)}");
            output.WriteLine($"{serverCount} servers: presence set -> client on another server: {Latency.Describe(presenceLatencies)}");
            output.WriteLine($"{serverCount} servers: {head} versions; {outOfOrder} arrivals out of version order in the concurrent phase (ops sequenced on different servers); {listeners.Sum(l => l.Unavailable)} lost append races resent");
        }
        finally
        {
            foreach (var listener in listeners)
            {
                await listener.DisposeAsync().AsTask().Within();
            }

            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }
}
