using System.Globalization;
using System.Text.Json;

namespace LiveSync.Benchmarks;

/// <summary>What a run measured, printed as a small table and as one JSON line.</summary>
internal sealed record RunResult(
    Scenario Scenario,
    string Protocol,
    TimeSpan Measured,
    long AckedOps,
    Percentiles Ack,
    Percentiles Seen,
    double? ServerCpuMicrosecondsPerOp,
    double? LoadCpuMicrosecondsPerOp,
    long? ServerRssBytes,
    double? IdleKbPerConnection,
    bool Converged,
    int Errors)
{
    public double OpsPerSecond => AckedOps / Measured.TotalSeconds;

    public void Print(TextWriter output)
    {
        var s = Scenario;
        output.WriteLine($"scenario {s.Name}: {s.Documents} docs x {s.Clients} clients{(s.IdleConnections > 0 ? $" + {s.IdleConnections} idle" : "")}" +
                         $"{(s.Capped ? ", capped" : "")}, {Protocol}, {Measured.TotalSeconds:0.0} s measured");
        Row(output, "acknowledged ops/s", F(OpsPerSecond, "0"));
        Row(output, "submit->ack ms p50/p95/p99", Latencies(Ack));
        Row(output, "submit->other client ms p50/p95/p99", Latencies(Seen));
        Row(output, "server CPU per op (us)", ServerCpuMicrosecondsPerOp is { } cpu ? F(cpu, "0.0") : "n/a");
        Row(output, "load generator CPU per op (us)", LoadCpuMicrosecondsPerOp is { } load ? F(load, "0.0") : "n/a");
        Row(output, "server RSS (MB)", ServerRssBytes is { } rss ? F(rss / 1048576.0, "0.0") : "n/a");
        if (IdleKbPerConnection is { } idle)
        {
            Row(output, "RSS per idle connection (KB)", F(idle, "0.0"));
        }

        Row(output, "converged", Converged ? "yes" : "no");
        Row(output, "errors", Errors.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(ToJson());
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        scenario = Scenario.Name,
        protocol = Protocol,
        documents = Scenario.Documents,
        clients = Scenario.Clients,
        idleConnections = Scenario.IdleConnections,
        capped = Scenario.Capped,
        measuredSeconds = Round(Measured.TotalSeconds),
        ackedOps = AckedOps,
        opsPerSecond = Round(OpsPerSecond),
        ackMs = Json(Ack),
        seenMs = Json(Seen),
        serverCpuUsPerOp = ServerCpuMicrosecondsPerOp is { } cpu ? Round(cpu) : (double?)null,
        loadCpuUsPerOp = LoadCpuMicrosecondsPerOp is { } load ? Round(load) : (double?)null,
        serverRssBytes = ServerRssBytes,
        idleKbPerConnection = IdleKbPerConnection is { } idle ? Round(idle) : (double?)null,
        converged = Converged,
        errors = Errors,
    });

    private static object Json(Percentiles p) => new { p50 = Round(p.P50), p95 = Round(p.P95), p99 = Round(p.P99), samples = p.Count };

    private static double? Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : null;

    private static string Latencies(Percentiles p) => $"{F(p.P50, "0.00")} / {F(p.P95, "0.00")} / {F(p.P99, "0.00")}";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Row(TextWriter output, string name, string value) => output.WriteLine($"  {name,-38}{value}");
}
