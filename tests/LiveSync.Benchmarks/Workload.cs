using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Benchmarks;

/// <summary>One run: create the documents, connect, warm up, measure, stop, check convergence.</summary>
internal static class Workload
{
    private const int InitialLength = 64;
    private static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(10);
    private static readonly ParallelOptions Connecting = new() { MaxDegreeOfParallelism = 16 };

    public static async Task<RunResult> RunAsync(Options options)
    {
        var scenario = options.Scenario;
        await using var server = options.Url is null ? await ServerProcess.StartAsync() : null;
        var baseUri = options.Url ?? server!.BaseUri;
        int? serverPid = server?.Pid ?? options.ServerPid;
        Console.Error.WriteLine($"scenario {scenario.Name} against {baseUri} ({(options.MessagePack ? "messagepack" : "json")})");

        using var http = new HttpClient { BaseAddress = baseUri };
        var runId = Guid.NewGuid().ToString("N")[..8];
        var docIds = Enumerable.Range(0, scenario.Documents).Select(d => $"bench-{runId}-{d}").ToArray();
        foreach (var docId in docIds)
        {
            var create = new { v = 0, create = new { type = "text", data = new string('.', InitialLength) } };
            (await http.PostAsJsonAsync($"/api/docs/{docId}/ops", create)).EnsureSuccessStatusCode();
        }

        var state = new LoadState();
        var clients = new LoadClient[scenario.Clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, scenario.Clients), Connecting, async (i, _) =>
            clients[i] = await LoadClient.ConnectAsync(baseUri, i, docIds[i % docIds.Length], scenario.Capped, options.MessagePack, state));

        var idle = new HubConnection[scenario.IdleConnections];
        double? idleKbPerConnection = null;
        if (idle.Length > 0)
        {
            var before = serverPid is { } pid ? ProcStats.Read(pid) : (ProcStats?)null;
            await Parallel.ForEachAsync(Enumerable.Range(0, idle.Length), Connecting, async (i, ct) =>
            {
                idle[i] = LoadClient.BuildConnection(baseUri, $"idle-{i:D5}", options.MessagePack);
                await idle[i].StartAsync(ct);
            });
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (before is { } b && serverPid is { } p)
            {
                idleKbPerConnection = (ProcStats.Read(p).RssBytes - b.RssBytes) / 1024.0 / idle.Length;
            }
        }

        Console.Error.WriteLine($"{clients.Length} clients on {docIds.Length} documents, {idle.Length} idle; warming up {options.Warmup.TotalSeconds} s");
        foreach (var client in clients)
        {
            client.Start();
        }

        await Task.Delay(options.Warmup);
        var cpuBefore = serverPid is { } pid0 ? ProcStats.Read(pid0) : (ProcStats?)null;
        var selfBefore = ProcStats.Read(Environment.ProcessId);
        var measured = Stopwatch.StartNew();
        state.StartMeasuring();
        await Task.Delay(options.Duration);
        state.Stop();
        measured.Stop();
        var cpuAfter = serverPid is { } pid1 ? ProcStats.Read(pid1) : (ProcStats?)null;
        var selfAfter = ProcStats.Read(Environment.ProcessId);

        Console.Error.WriteLine("stopped; waiting for convergence");
        var converged = await WaitForConvergenceAsync(http, docIds, clients);

        var ackLatencies = new List<double>();
        var seenLatencies = new List<double>();
        foreach (var client in clients)
        {
            client.CollectInto(ackLatencies, seenLatencies);
        }

        var acked = clients.Sum(c => c.AckedInWindow);
        double? cpuPerOp = cpuBefore is { } c0 && cpuAfter is { } c1 && acked > 0
            ? (c1.Cpu - c0.Cpu).TotalMicroseconds / acked
            : null;

        await Parallel.ForEachAsync(clients.Cast<IAsyncDisposable>().Concat(idle), Connecting, async (c, _) => await c.DisposeAsync());

        return new RunResult(
            scenario,
            options.MessagePack ? "messagepack" : "json",
            measured.Elapsed,
            acked,
            Percentiles.Of(ackLatencies),
            Percentiles.Of(seenLatencies),
            cpuPerOp,
            acked > 0 ? (selfAfter.Cpu - selfBefore.Cpu).TotalMicroseconds / acked : null,
            cpuAfter?.RssBytes,
            idleKbPerConnection,
            converged,
            clients.Sum(c => c.Errors));
    }

    // Converged: every client idle, and every copy of a document at the server's version with the server's text.
    private static async Task<bool> WaitForConvergenceAsync(HttpClient http, string[] docIds, LoadClient[] clients)
    {
        var deadline = Stopwatch.StartNew();
        var byDoc = clients.GroupBy(c => c.DocId).ToDictionary(g => g.Key, g => g.ToArray());
        while (true)
        {
            var converged = true;
            foreach (var docId in docIds)
            {
                using var snapshot = JsonDocument.Parse(await http.GetStringAsync($"/api/docs/{docId}"));
                var v = snapshot.RootElement.GetProperty("v").GetInt64();
                var text = snapshot.RootElement.GetProperty("data").GetString();
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
