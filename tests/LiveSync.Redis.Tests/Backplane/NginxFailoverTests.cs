using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LiveSync.Client;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// The reference deployment: nginx load-balancing WebSocket connections round-robin over three servers on one Redis,
/// clients skipping negotiation so no sticky sessions are needed. One server is killed with SIGKILL mid-edit: its
/// clients reconnect through nginx to the others and resubmit, every client converges, nothing is lost or doubled,
/// and the presence of a client that was on the killed server is cleared for everyone by a surviving server.
/// </summary>
public sealed class NginxFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_server_behind_nginx_mid_edit_loses_and_doubles_nothing()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = (await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServerProcess.StartWithRedisAsync(
            redis.Configuration,
            "--LiveSync:RedisBackplane:PresenceHeartbeatInterval=00:00:00.500",
            "--LiveSync:RedisBackplane:PresenceServerTimeout=00:00:02")))
            .Within(TimeSpan.FromSeconds(90))).ToList();
        var victim = servers[1];
        var editors = new List<TokenEditor>();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        await using var nginx = await NginxProcess.StartAsync(servers.Select(s => s.BaseUri)).Within(TimeSpan.FromMinutes(6));
        DocListener? doomed = null;
        DocListener? observer = null;
        var killedAt = 0L;
        try
        {
            var doc = $"failover-{Guid.NewGuid():N}";
            for (var i = 0; i < 6; i++)
            {
                var client = new LiveSyncClient(new LiveSyncClientOptions
                {
                    ServerUrl = nginx.BaseUri,
                    ClientId = $"editor-{i:D4}",
                    ConfigureWebSockets = o => o.SkipNegotiation = true,
                    ReconnectPolicy = new LiveSyncRetryPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)),
                });
                await client.ConnectAsync().Within();
                var document = await client.OpenAsync(doc, new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("") }).Within();
                editors.Add(new TokenEditor(i, client, document));
            }

            // A client straight on the server about to die, present on the document, and one watching from another.
            doomed = await DocListener.ConnectAsync(victim.BaseUri, "doomed-client", doc);
            await doomed.OpenAsync();
            observer = await DocListener.ConnectAsync(servers[0].BaseUri, "observer-client", doc);
            await observer.OpenAsync();
            await doomed.SetPresenceAsync("{\"caret\":1}");
            await observer.PresenceArrivalAsync(doomed.ClientId, "{\"caret\":1}");

            const int editsBeforeKill = 120;
            const int editsAfterKill = 20;
            var confirmed = 0;
            var progress = new AsyncCondition();
            var killer = Task.Run(async () =>
            {
                await progress.WaitAsync(() => Volatile.Read(ref confirmed) >= editsBeforeKill, TimeSpan.FromSeconds(90), () => $"only {confirmed} edits confirmed");
                Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
                await victim.DisposeAsync(); // SIGKILL: no shutdown, no goodbye to Redis or the clients
            });

            // Each editor goes on until the kill happened and it then had a few edits confirmed that it started afterwards.
            await Task.WhenAll(editors.Select(editor => Task.Run(() => editor.RunAsync(
                new Random(seed + editor.Index),
                _ =>
                {
                    var killed = Volatile.Read(ref killedAt);
                    return killed != 0 && editor.Confirmations.Count(c => c.StartedAt > killed) >= editsAfterKill;
                },
                () =>
                {
                    Interlocked.Increment(ref confirmed);
                    progress.Pulse();
                })))).Within(TimeSpan.FromSeconds(180));
            await killer.Within();

            // Recovery: from the kill until every client had an edit it started after the kill confirmed.
            var recovered = editors.Select(e => e.Confirmations.Where(c => c.StartedAt > killedAt).Min(c => c.ConfirmedAt)).Max();
            var presenceCleared = await observer.PresenceArrivalAsync(doomed.ClientId, null, TimeSpan.FromSeconds(20));

            foreach (var editor in editors)
            {
                await editor.Document.WhenSettledAsync().Within(TimeSpan.FromSeconds(30));
            }

            using var http = new HttpClient { BaseAddress = servers[0].BaseUri };
            var snapshot = await http.GetFromJsonAsync<JsonElement>($"/api/docs/{doc}").Within();
            var head = snapshot.GetProperty("v").GetInt64();
            var text = snapshot.GetProperty("data").GetString()!;
            foreach (var editor in editors)
            {
                await editor.Document.WaitForVersionAsync(head, TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(35));
                Assert.Equal(text, editor.Document.Text);
                Assert.Equal(editor.RemoteVersions.Count, editor.RemoteVersions.Distinct().Count());
            }

            var stream = await StreamLog.ReadAllAsync(raw, doc);
            Assert.Equal(head, StreamLog.AssertWhole(stream, []));
            Assert.Equal(text, StreamLog.ReplayText(stream));
            TokenEditor.AssertTokens(text, editors);
            Assert.Equal(editors.Sum(e => e.Confirmed.Count), text.Length / TokenEditor.TokenLength);

            output.WriteLine(
                $"killed a server after {editsBeforeKill} edits; every client had a post-kill edit confirmed after {Latency.Ms(killedAt, recovered):F0} ms; " +
                $"the killed server's client's presence cleared for the others after {Latency.Ms(killedAt, presenceCleared):F0} ms " +
                $"(heartbeat 0.5 s, server timeout 2 s)");
            output.WriteLine(
                $"{editors.Sum(e => e.Confirmed.Count)} edits confirmed, {editors.Sum(e => e.Rejected)} rejected ({PubSubKillTests.Codes(editors)}); " +
                $"{head} versions; every client converged");

            // A client moving to another server is neither "ahead" of it nor skipping a seq there.
            Assert.DoesNotContain(editors.SelectMany(e => e.RejectedCodes.Keys), code => code is "version_ahead" or "sequence_gap");
        }
        finally
        {
            foreach (var editor in editors)
            {
                await editor.Client.DisposeAsync().AsTask().Within();
            }

            if (doomed is not null)
            {
                await doomed.DisposeAsync().AsTask().Within();
            }

            if (observer is not null)
            {
                await observer.DisposeAsync().AsTask().Within();
            }

            await Task.WhenAll(servers.Where(s => s != victim || Volatile.Read(ref killedAt) == 0).Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }
}
