using System.Net.Http.Json;
using System.Text.Json;
using LiveSync.Client;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// The servers' subscriber connections are killed (<c>CLIENT KILL TYPE pubsub</c>) again and again while clients on
/// three servers edit one document: broadcasts are lost each time, yet every client ends with every op, converged
/// with the server and the op log, and no op applied twice.
/// </summary>
public sealed class PubSubKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Clients_converge_with_every_op_while_subscriber_connections_are_killed()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within(TimeSpan.FromSeconds(60));
        var servers = await ServerProcess.StartManyWithRedisAsync(3, redis.Configuration);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        var editors = new List<TokenEditor>();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        try
        {
            var doc = $"killed-{Guid.NewGuid():N}";
            for (var i = 0; i < 6; i++)
            {
                var client = new LiveSyncClient(new LiveSyncClientOptions { ServerUrl = servers[i % servers.Length].BaseUri, ClientId = $"editor-{i:D4}" });
                await client.ConnectAsync().Within();
                var document = await client.OpenAsync(doc, new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("") }).Within();
                editors.Add(new TokenEditor(i, client, document));
            }

            // The kills follow the edits' progress, not a clock: one after every few confirmed edits.
            const int editsEach = 60;
            const int kills = 12;
            var confirmed = 0;
            var killed = 0L;
            var killSignal = new AsyncCondition();
            var killer = Task.Run(async () =>
            {
                for (var round = 1; round <= kills; round++)
                {
                    var target = round * editors.Count * editsEach / (kills + 2);
                    await killSignal.WaitAsync(() => Volatile.Read(ref confirmed) >= target, TimeSpan.FromSeconds(90), () => $"only {confirmed} edits confirmed");
                    killed += (await raw.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub").Within()).AsInt64();
                }
            });

            await Task.WhenAll(editors.Select(editor => Task.Run(() => editor.RunAsync(
                new Random(seed + editor.Index),
                k => k >= editsEach,
                () =>
                {
                    Interlocked.Increment(ref confirmed);
                    killSignal.Pulse();
                })))).Within(TimeSpan.FromSeconds(180));
            await killer.Within();

            using var http = new HttpClient { BaseAddress = servers[0].BaseUri };
            foreach (var editor in editors)
            {
                await editor.Document.WhenSettledAsync().Within(TimeSpan.FromSeconds(30));
            }

            var snapshot = await http.GetFromJsonAsync<JsonElement>($"/api/docs/{doc}").Within();
            var head = snapshot.GetProperty("v").GetInt64();
            var text = snapshot.GetProperty("data").GetString()!;
            foreach (var editor in editors)
            {
                await editor.Document.WaitForVersionAsync(head, TimeSpan.FromSeconds(30)).Within(TimeSpan.FromSeconds(35));
                Assert.Equal(text, editor.Document.Text);

                // No op applied twice: each remote version once.
                Assert.Equal(editor.RemoteVersions.Count, editor.RemoteVersions.Distinct().Count());
            }

            var stream = await StreamLog.ReadAllAsync(raw, doc);
            Assert.Equal(head, StreamLog.AssertWhole(stream, []));
            Assert.Equal(text, StreamLog.ReplayText(stream));
            TokenEditor.AssertTokens(text, editors);
            Assert.Equal(editors.Sum(e => e.Confirmed.Count), text.Length / TokenEditor.TokenLength);

            var caughtUp = servers.Sum(s => CountOf(s.Output, "after the backplane link came back"));
            output.WriteLine(
                $"{kills} kills ({killed} subscriber connections); {editors.Sum(e => e.Confirmed.Count)} edits confirmed, " +
                $"{editors.Sum(e => e.Rejected)} rejected ({Codes(editors)}); {head} versions; {caughtUp} catch-ups logged; every client converged");

            // Lost broadcasts cost nothing but a fetch: no edit is refused for them.
            Assert.True(editors.Sum(e => e.Rejected) == 0, "edits were refused: " + Codes(editors));
        }
        finally
        {
            foreach (var editor in editors)
            {
                await editor.Client.DisposeAsync().AsTask().Within();
            }

            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).Within();
        }
    }

    internal static string Codes(IEnumerable<TokenEditor> editors) => string.Join(", ", editors
        .SelectMany(e => e.RejectedCodes)
        .GroupBy(p => p.Key, p => p.Value)
        .Select(g => $"{g.Key} {g.Sum()}"));

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
