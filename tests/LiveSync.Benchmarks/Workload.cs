using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Benchmarks;

/// <summary>One run: start what is needed, create the documents, connect, warm up, measure, stop, check convergence.</summary>
internal static class Workload
{
    private const int InitialLength = 64;
    private static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(10);
    private static readonly ParallelOptions Connecting = new() { MaxDegreeOfParallelism = 16 };
    private const int RssWindow = 5;
    private const double RssTolerance = 0.01;
    private static readonly TimeSpan RssTimeout = TimeSpan.FromSeconds(30);

    public static async Task<RunResult> RunAsync(Options options)
    {
        var scenario = options.Scenario;
        await using var redis = options.Urls is null && options.Redis ? await RedisProcess.StartAsync() : null;
        var servers = new List<ServerProcess>();
        try
        {
            if (options.Urls is null)
            {
                for (var s = 0; s < scenario.Instances; s++)
                {
                    servers.Add(options.Relay ? await ServerProcess.StartRelayAsync() : await ServerProcess.StartLiveSyncAsync(redis?.Endpoint));
                }
            }

            var baseUris = options.Urls ?? servers.Select(s => s.BaseUri).ToList();
            var serverPids = servers.Count > 0 ? servers.Select(s => s.Pid).ToList() : options.ServerPids ?? [];
            var redisPid = redis?.Pid ?? options.RedisPid;
            return await RunAgainstAsync(options, baseUris, serverPids, redisPid);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<RunResult> RunAgainstAsync(Options options, IReadOnlyList<Uri> baseUris, IReadOnlyList<int> serverPids, int? redisPid)
    {
        var scenario = options.Scenario;
        var protocol = options.MessagePack ? "messagepack" : "json";
        Console.Error.WriteLine($"scenario {scenario.Name} against {string.Join(", ", baseUris)} ({(options.Relay ? "relay hub" : "LiveSync")}, {options.Store}, {protocol})");

        var https = baseUris.Select(u => new HttpClient { BaseAddress = u }).ToArray();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var docIds = Enumerable.Range(0, scenario.Documents).Select(d => $"bench-{runId}-{d}").ToArray();
        if (!options.Relay)
        {
            foreach (var docId in docIds)
            {
                var create = new { v = 0, create = new { type = "text", data = new string('.', InitialLength) } };
                (await https[0].PostAsJsonAsync($"/api/docs/{docId}/ops", create)).EnsureSuccessStatusCode();
            }
        }

        // Client i edits document i mod D on instance floor(i / D) mod S: every document has clients on every instance.
        var state = new LoadState { PaceTicks = options.Rate is { } rate ? (long)(Stopwatch.Frequency * scenario.Clients / rate) : 0 };
        var clients = new IBenchClient[scenario.Clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, scenario.Clients), Connecting, async (i, _) =>
        {
            var baseUri = baseUris[i / Math.Max(1, docIds.Length) % baseUris.Count];
            var docId = docIds[i % docIds.Length];
            clients[i] = options.Relay
                ? await RelayClient.ConnectAsync(baseUri, i, docId, scenario.Capped, options.MessagePack, state)
                : await LoadClient.ConnectAsync(baseUri, i, docId, scenario.Capped, options.MessagePack, state);
        });

        var idle = await ConnectIdleAsync(options, baseUris[0], serverPids.Count > 0 ? serverPids[0] : null);

        var acked = 0L;
        var ackLatencies = new List<double>();
        var seenLatencies = new List<double>();
        TimeSpan measuredTime = TimeSpan.Zero;
        double? cpuPerOp = null, redisCpuPerOp = null, loadCpuPerOp = null;
        bool? converged = null;
        if (clients.Length > 0)
        {
            Console.Error.WriteLine($"{clients.Length} clients on {docIds.Length} documents over {baseUris.Count} instance(s), {idle.Connected} idle; warming up {options.Warmup.TotalSeconds} s");
            foreach (var client in clients)
            {
                client.Start();
            }

            using var stopWatching = new CancellationTokenSource();
            var watching = WatchForLostBroadcastsAsync(clients.OfType<LoadClient>().ToArray(), stopWatching.Token);
            await Task.Delay(options.Warmup);
            var serversBefore = Cpu(serverPids);
            var redisBefore = redisPid is { } r0 ? ProcStats.Read(r0).Cpu : (TimeSpan?)null;
            var selfBefore = ProcStats.Read(Environment.ProcessId);
            var measured = Stopwatch.StartNew();
            state.StartMeasuring();
            await Task.Delay(options.Duration);
            state.Stop();
            measured.Stop();
            measuredTime = measured.Elapsed;
            var serversAfter = Cpu(serverPids);
            var redisAfter = redisPid is { } r1 ? ProcStats.Read(r1).Cpu : (TimeSpan?)null;
            var selfAfter = ProcStats.Read(Environment.ProcessId);

            if (options.Relay)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // the last messages in flight; nothing to converge
            }
            else
            {
                Console.Error.WriteLine("stopped; waiting for convergence");
                converged = await WaitForConvergenceAsync(https, docIds, clients.Cast<LoadClient>().ToArray());
            }

            stopWatching.Cancel();
            await watching;

            foreach (var client in clients)
            {
                client.CollectInto(ackLatencies, seenLatencies);
            }

            acked = clients.Sum(c => c.AckedInWindow);
            if (acked > 0)
            {
                cpuPerOp = serversBefore is { } c0 && serversAfter is { } c1 ? (c1 - c0).TotalMicroseconds / acked : null;
                redisCpuPerOp = redisBefore is { } rb && redisAfter is { } ra ? (ra - rb).TotalMicroseconds / acked : null;
                loadCpuPerOp = (selfAfter.Cpu - selfBefore.Cpu).TotalMicroseconds / acked;
            }
        }
        else
        {
            converged = true; // nothing was edited
        }

        var serverRss = Rss(serverPids);
        var redisRss = redisPid is { } r2 ? ProcStats.Read(r2).RssBytes : (long?)null;

        await Parallel.ForEachAsync(clients.Cast<IAsyncDisposable>().Concat(idle.Connections.OfType<HubConnection>()), Connecting, async (c, _) => await c.DisposeAsync());
        foreach (var http in https)
        {
            http.Dispose();
        }

        return new RunResult(
            scenario,
            options.Relay ? "relay" : "livesync",
            options.Store,
            protocol,
            options.Rate,
            measuredTime,
            acked,
            Percentiles.Of(ackLatencies),
            Percentiles.Of(seenLatencies),
            cpuPerOp,
            redisCpuPerOp,
            loadCpuPerOp,
            serverRss,
            redisRss,
            idle.Connected,
            idle.ConnectSeconds,
            idle.KbPerConnection,
            converged,
            clients.Sum(c => c.Errors) + idle.Failed,
            clients.Sum(c => c.Retries));
    }

    private sealed record IdleConnections(HubConnection?[] Connections, int Connected, int Failed, double? ConnectSeconds, double? KbPerConnection);

    // Idle connections: one connection first so the code paths are warm, then RSS before; N connections (16 at a
    // time); RSS after, once it has settled (at most 30 s). (after - before) / N is the memory each idle connection
    // costs the server.
    private static async Task<IdleConnections> ConnectIdleAsync(Options options, Uri baseUri, int? serverPid)
    {
        var count = options.Scenario.IdleConnections;
        if (count == 0)
        {
            return new IdleConnections([], 0, 0, null, null);
        }

        HubConnection Build(string id) => options.Relay
            ? RelayClient.BuildConnection(baseUri, options.MessagePack)
            : LoadClient.BuildConnection(baseUri, id, options.MessagePack);

        var connections = new HubConnection?[count + 1];
        connections[count] = Build("idle-warm");
        await connections[count]!.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = serverPid is { } pid ? ProcStats.Read(pid) : (ProcStats?)null;
        var failed = 0;
        var firstError = "";
        Console.Error.WriteLine($"connecting {count} idle connections");
        var connecting = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), Connecting, async (i, ct) =>
        {
            var connection = Build($"idle-{i:D5}");
            try
            {
                await connection.StartAsync(ct);
                connections[i] = connection;
            }
            catch (Exception ex)
            {
                if (Interlocked.Increment(ref failed) == 1)
                {
                    firstError = $"{ex.GetType().Name}: {ex.Message}";
                }

                await connection.DisposeAsync();
            }
        });
        connecting.Stop();
        var connected = count - failed;
        if (failed > 0)
        {
            Console.Error.WriteLine($"{failed} idle connections failed, the first with {firstError}");
        }

        Console.Error.WriteLine($"{connected} idle connections in {connecting.Elapsed.TotalSeconds:0.0} s");
        double? kbPer = before is { } b && serverPid is { } p && connected > 0
            ? (await SettledRssAsync(p) - b.RssBytes) / 1024.0 / connected
            : null;
        return new IdleConnections(connections, connected, failed, connecting.Elapsed.TotalSeconds, kbPer);
    }

    // The server's RSS once it has settled: sampled every second, settled when the last RssWindow samples lie within
    // RssTolerance of each other (the keep-alive pings the server keeps sending to idle connections allocate, so
    // the heap goes on growing until its first collections after the connects), or the last sample at RssTimeout.
    private static async Task<long> SettledRssAsync(int pid)
    {
        var samples = new List<long>();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            samples.Add(ProcStats.Read(pid).RssBytes);
            var window = samples.TakeLast(RssWindow).ToList();
            var settled = window.Count == RssWindow && window.Max() - window.Min() <= window.Max() * RssTolerance;
            if (settled || waited.Elapsed >= RssTimeout)
            {
                Console.Error.WriteLine($"server RSS {(settled ? "settled" : "still moving")} after {waited.Elapsed.TotalSeconds:0} s: " +
                    $"{samples[0] / 1048576.0:0} MB 1 s after the connects, {samples[^1] / 1048576.0:0} MB now");
                return samples[^1];
            }
        }
    }

    // A client whose own op was acknowledged a second ago and has not come back in the op stream fetches it.
    private static async Task WatchForLostBroadcastsAsync(LoadClient[] clients, CancellationToken stop)
    {
        if (clients.Length == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var client in clients)
                {
                    client.CatchUpIfStuck(now, Stopwatch.Frequency);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TimeSpan? Cpu(IReadOnlyList<int> pids) =>
        pids.Count == 0 ? null : pids.Select(p => ProcStats.Read(p).Cpu).Aggregate(TimeSpan.Zero, (a, b) => a + b);

    private static long? Rss(IReadOnlyList<int> pids) => pids.Count == 0 ? null : pids.Sum(p => ProcStats.Read(p).RssBytes);

    // Converged: every client idle, and every copy of a document at the version and text every instance serves.
    private static async Task<bool> WaitForConvergenceAsync(HttpClient[] https, string[] docIds, LoadClient[] clients)
    {
        var deadline = Stopwatch.StartNew();
        var byDoc = clients.GroupBy(c => c.DocId).ToDictionary(g => g.Key, g => g.ToArray());
        while (true)
        {
            var converged = true;
            foreach (var docId in docIds)
            {
                long v = -1;
                string? text = null;
                foreach (var http in https)
                {
                    using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"/api/docs/{docId}"));
                    var instanceV = snapshot.RootElement.GetProperty("v").GetInt64();
                    var instanceText = snapshot.RootElement.GetProperty("data").GetString();
                    if (text is null)
                    {
                        (v, text) = (instanceV, instanceText);
                    }
                    else if (instanceV != v || instanceText != text)
                    {
                        converged = false;
                    }
                }

                foreach (var client in byDoc.GetValueOrDefault(docId, []))
                {
                    var copy = client.Copy();
                    if (!copy.Idle || copy.V != v || copy.Text != text)
                    {
                        converged = false;
                        if (copy.Idle && copy.V < v && deadline.Elapsed > TimeSpan.FromSeconds(1))
                        {
                            _ = client.CatchUpAsync(); // its broadcast was lost: the op log has it
                        }
                    }
                }
            }

            if (converged || deadline.Elapsed > ConvergenceTimeout)
            {
                return converged;
            }

            await Task.Delay(100);
        }
    }
}
