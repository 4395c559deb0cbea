using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Tests.Backplane;
using LiveSync.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.Affinity;

/// <summary>
/// Two server processes on one Redis with document affinity: each document is sequenced by its owner, whichever
/// server its clients are on, so the servers never race each other's appends; an owner killed outright is taken
/// over by the other; the owner's errors reach clients of the other server unchanged.
/// </summary>
public sealed class AffinityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Clients_on_two_servers_converge_with_every_submission_sequenced_by_its_documents_owner()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));

        // A generous timeout: on a loaded machine a slow answer must not turn into a fallback (and a race) here.
        var servers = await AffinityServers.StartAsync(2, redis.Configuration, "--LiveSync:RedisAffinity:ForwardTimeout=00:00:30");
        try
        {
            await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
            var ids = servers.Select(AffinityServers.Id).ToArray();
            var docs = AffinityServers.DocumentsOwnedBy($"affine-{Guid.NewGuid():N}", ids, each: 2);
            const int clientsPerServer = 2;
            const int editsPerClient = 25;

            var acknowledged = docs.ToDictionary(doc => doc, _ => new ConcurrentBag<(string ClientId, long Seq, long V)>());
            var editors = new List<Task>();
            var clients = new List<HubClient>();
            var expectedForwards = new long[servers.Length];
            foreach (var doc in docs)
            {
                await using (var creator = await HubClient.ConnectAsync(servers[0].BaseUri, $"creator-{Guid.NewGuid():N}"[..20]))
                {
                    acknowledged[doc].Add((creator.ClientId, 1, await creator.SubmitAsync(doc, TextEdits.Create(creator.ClientId))));
                }

                var owner = Array.IndexOf(ids, Rendezvous(doc, ids));
                expectedForwards[0] += owner == 0 ? 0 : 1;
                for (var s = 0; s < servers.Length; s++)
                {
                    expectedForwards[s] += s == owner ? 0 : clientsPerServer * editsPerClient;
                    for (var c = 0; c < clientsPerServer; c++)
                    {
                        var client = await HubClient.ConnectAsync(servers[s].BaseUri, $"client-{clients.Count:D4}");
                        clients.Add(client);
                        var random = new Random(clients.Count);
                        editors.Add(Task.Run(async () =>
                        {
                            for (long seq = 1; seq <= editsPerClient; seq++)
                            {
                                var (v, text) = await client.TextUntilAvailableAsync(doc);
                                var stored = await client.SubmitAsync(doc, TextEdits.RandomEdit(random, client.ClientId, seq, v, text));
                                acknowledged[doc].Add((client.ClientId, seq, stored));
                            }
                        }));
                    }
                }
            }

            await Task.WhenAll(editors).Within(TimeSpan.FromSeconds(120));

            // Each document: versions 1..V without gap or duplicate, every acknowledged submission stored once at its
            // version, and every server reads the text a replay of the log gives.
            foreach (var doc in docs)
            {
                var stream = await StreamLog.ReadAllAsync(raw, doc);
                var last = StreamLog.AssertWhole(stream, acknowledged[doc]);
                Assert.Equal(1 + (servers.Length * clientsPerServer * editsPerClient), last);
                Assert.Equal(last, acknowledged[doc].Count);
                var expected = StreamLog.ReplayText(stream);
                foreach (var server in servers)
                {
                    await using var reader = await HubClient.ConnectAsync(server.BaseUri, $"reader-{Guid.NewGuid():N}"[..20]);
                    Assert.Equal((last, expected), await reader.TextUntilAvailableAsync(doc));
                }
            }

            // Each server forwarded exactly its clients' submissions to documents the other owns, the other served
            // them, nothing fell back, and so no append ever lost a race.
            for (var s = 0; s < servers.Length; s++)
            {
                var other = servers[1 - s];
                var mine = await AffinityServers.TotalsWhenAsync(servers[s], t => t.Forwarded >= expectedForwards[s]);
                var theirs = await AffinityServers.TotalsWhenAsync(other, t => t.Served >= expectedForwards[s]);
                output.WriteLine($"server {s}: forwarded {mine.Forwarded}, served {mine.Served}, fallbacks {mine.Fallbacks}; expected forwards {expectedForwards[s]}");
                Assert.Equal(expectedForwards[s], mine.Forwarded);
                Assert.Equal(0, mine.Fallbacks);
                Assert.Equal(0, AffinityServers.AppendConflicts(servers[s]));
            }

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
    public async Task The_owner_killed_mid_edit_is_taken_over_with_nothing_acknowledged_lost()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = await AffinityServers.StartAsync(
            2,
            redis.Configuration,
            "--LiveSync:RedisBackplane:PresenceHeartbeatInterval=00:00:00.200",
            "--LiveSync:RedisBackplane:PresenceServerTimeout=00:00:01",
            "--LiveSync:RedisAffinity:ForwardTimeout=00:00:01");
        try
        {
            await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
            var ids = servers.Select(AffinityServers.Id).ToArray();
            var victim = servers[0];
            var survivor = servers[1];

            // Documents the victim owns, so the survivor's clients are forwarding to it when it dies.
            var docs = AffinityServers.DocumentsOwnedBy($"takeover-{Guid.NewGuid():N}", ids, each: 2).Where(doc => Rendezvous(doc, ids) == ids[0]).ToList();
            const int clientsPerServer = 2;
            const int editsPerClient = 40;
            var acknowledged = docs.ToDictionary(doc => doc, _ => new ConcurrentBag<(string ClientId, long Seq, long V)>());
            var confirmed = 0;
            var progress = new AsyncCondition();
            var killed = false;
            var editors = new List<Task>();
            var index = 0;
            foreach (var doc in docs)
            {
                await using (var creator = await HubClient.ConnectAsync(survivor.BaseUri, $"creator-{Guid.NewGuid():N}"[..20]))
                {
                    acknowledged[doc].Add((creator.ClientId, 1, await creator.SubmitAsync(doc, TextEdits.Create(creator.ClientId))));
                }

                foreach (var server in servers)
                {
                    for (var c = 0; c < clientsPerServer; c++)
                    {
                        var clientId = $"client-{index++:D4}";
                        var random = new Random(index);
                        var first = await HubClient.ConnectAsync(server.BaseUri, clientId);
                        editors.Add(Task.Run(async () =>
                        {
                            var client = first;
                            Submission? inFlight = null;
                            for (long seq = 1; seq <= editsPerClient;)
                            {
                                try
                                {
                                    if (inFlight is null)
                                    {
                                        var (v, text) = await client.TextUntilAvailableAsync(doc);
                                        inFlight = TextEdits.RandomEdit(random, clientId, seq, v, text);
                                    }

                                    acknowledged[doc].Add((clientId, seq, await client.SubmitUntilStoredAsync(doc, inFlight)));
                                    inFlight = null;
                                    seq++;
                                    Interlocked.Increment(ref confirmed);
                                    progress.Pulse();
                                }
                                catch (Exception ex) when (ex is not HubException && Volatile.Read(ref killed))
                                {
                                    // The victim's client: reconnect to the survivor and resubmit the same (clientId, seq).
                                    await client.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
                                    client = await HubClient.ConnectAsync(survivor.BaseUri, clientId);
                                }
                            }

                            await client.DisposeAsync();
                        }));
                    }
                }
            }

            var total = docs.Count * servers.Length * clientsPerServer * editsPerClient;
            await progress.WaitAsync(() => Volatile.Read(ref confirmed) >= total / 3, TimeSpan.FromSeconds(90), () => $"only {confirmed} edits confirmed");
            Volatile.Write(ref killed, true);
            await victim.KillAsync();
            var killedAtEdit = Volatile.Read(ref confirmed);

            await Task.WhenAll(editors).Within(TimeSpan.FromSeconds(120));
            Assert.True(
                await Bounded.UntilAsync(() => Task.FromResult(AffinityServers.OwnerCount(survivor) == 1), TimeSpan.FromSeconds(30)),
                "the survivor never dropped the killed server:\n" + survivor.Output);

            foreach (var doc in docs)
            {
                var stream = await StreamLog.ReadAllAsync(raw, doc);
                var last = StreamLog.AssertWhole(stream, acknowledged[doc]);
                Assert.Equal(1 + (servers.Length * clientsPerServer * editsPerClient), last);
                Assert.Equal(last, acknowledged[doc].Count);
                await using var reader = await HubClient.ConnectAsync(survivor.BaseUri, $"reader-{Guid.NewGuid():N}"[..20]);
                Assert.Equal((last, StreamLog.ReplayText(stream)), await reader.TextUntilAvailableAsync(doc));
            }

            var totals = AffinityServers.Totals(survivor);
            output.WriteLine($"killed after {killedAtEdit} of {total} edits; survivor: forwarded {totals.Forwarded}, fallbacks {totals.Fallbacks}, append conflicts {AffinityServers.AppendConflicts(survivor)}");

            // Before the kill the survivor forwarded to the victim; after it, it sequenced the documents itself.
            Assert.True(totals.Forwarded > 0, survivor.Output);
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }

    [Fact]
    public async Task Errors_from_the_owner_reach_a_client_of_the_other_server_with_the_same_code()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = await AffinityServers.StartAsync(2, redis.Configuration, "--LiveSync:RedisAffinity:ForwardTimeout=00:00:30");
        try
        {
            var ids = servers.Select(AffinityServers.Id).ToArray();
            var doc = AffinityServers.DocumentsOwnedBy($"errors-{Guid.NewGuid():N}", ids, each: 1)[0];
            Assert.Equal(ids[0], Rendezvous(doc, ids));

            // The client is on the server that does not own the document.
            await using var client = await HubClient.ConnectAsync(servers[1].BaseUri, "client-errors");
            Assert.Equal(1, await client.SubmitAsync(doc, TextEdits.Create(client.ClientId)));
            await AssertFailsAsync(ErrorCodes.AlreadyExists, client.SubmitAsync(doc, TextEdits.Create(client.ClientId) with { Seq = 2 }));
            await AssertFailsAsync(ErrorCodes.VersionAhead, client.SubmitAsync(doc, new Submission { ClientId = client.ClientId, Seq = 2, V = 9, Op = JsonElement.Parse("[\"x\"]") }));
            await AssertFailsAsync(ErrorCodes.InvalidOp, client.SubmitAsync(doc, new Submission { ClientId = client.ClientId, Seq = 2, V = 1, Op = JsonElement.Parse("[{\"nonsense\":1}]") }));
            await AssertFailsAsync(ErrorCodes.SequenceGap, client.SubmitAsync(doc, new Submission { ClientId = client.ClientId, Seq = 7, V = 1, Op = JsonElement.Parse("[\"x\"]") }));

            // A resubmission gets its first version, through the owner too.
            var edit = new Submission { ClientId = client.ClientId, Seq = 2, V = 1, Op = JsonElement.Parse("[\"x\"]") };
            Assert.Equal(2, await client.SubmitAsync(doc, edit));
            Assert.Equal(2, await client.SubmitAsync(doc, edit));

            // Over HTTP, the same: the code and its status.
            using var http = new HttpClient { BaseAddress = servers[1].BaseUri };
            using var response = await http.PostAsJsonAsync($"/api/docs/{doc}/ops", new { v = 99, op = new[] { "y" } }).Within();
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(ErrorCodes.VersionAhead, (await response.Content.ReadFromJsonAsync<JsonElement>().Within()).GetProperty("code").GetString());

            // All of it went through the owner: 8 forwards (4 rejected), none sequenced where it arrived.
            var totals = await AffinityServers.TotalsWhenAsync(servers[1], t => t.Forwarded >= 8);
            Assert.Equal((8, 0, 0), totals);
            Assert.Equal(8, (await AffinityServers.TotalsWhenAsync(servers[0], t => t.Served >= 8)).Served);
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }

    private static string Rendezvous(string doc, string[] ids) => LiveSync.Redis.Affinity.Rendezvous.Owner(doc, ids)!;

    private static async Task AssertFailsAsync(string code, Task<long> submit)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => submit);
        Assert.Contains(code + ":", error.Message, StringComparison.Ordinal);
    }
}
