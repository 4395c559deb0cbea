using System.Globalization;
using System.Text.Json;

namespace LiveSync.Benchmarks;

/// <summary>What a run measured, printed as a small table and as one JSON line.</summary>
internal sealed record RunResult(
    Scenario Scenario,
    string Target,
    string Store,
    string Protocol,
    double? TargetRate,
    TimeSpan Measured,
    long AckedOps,
    Percentiles Ack,
    Percentiles Seen,
    double? ServerCpuMicrosecondsPerOp,
    double? RedisCpuMicrosecondsPerOp,
    double? LoadCpuMicrosecondsPerOp,
    long? ServerRssBytes,
    long? RedisRssBytes,
    int IdleConnected,
    double? IdleConnectSeconds,
    double? IdleKbPerConnection,
    bool? Converged,
    int Errors,
    int Retries)
{
    public double OpsPerSecond => Measured > TimeSpan.Zero ? AckedOps / Measured.TotalSeconds : double.NaN;

    public void Print(TextWriter output)
    {
        var s = Scenario;
        output.WriteLine($"scenario {s.Name}: {s.Documents} docs x {s.Clients} clients{(s.IdleConnections > 0 ? $" + {s.IdleConnections} idle" : "")}" +
                         $"{(s.Capped ? ", capped" : "")}, {(Target == "relay" ? "bare relay hub" : $"LiveSync x{s.Instances}, {Store} store")}, " +
                         $"{Protocol}, {Measured.TotalSeconds:0.0} s measured");
        if (s.Clients > 0)
        {
            Row(output, "acknowledged ops/s", F(OpsPerSecond, "0") + (TargetRate is { } rate ? $" (paced to {F(rate, "0")})" : ""));
            Row(output, "submit->ack ms p50/p95/p99", Latencies(Ack));
            Row(output, "submit->other client ms p50/p95/p99", Latencies(Seen));
            Row(output, "server CPU per op (us)", Opt(ServerCpuMicrosecondsPerOp, "0.0"));
            Row(output, "redis-server CPU per op (us)", Opt(RedisCpuMicrosecondsPerOp, "0.0"));
            Row(output, "load generator CPU per op (us)", Opt(LoadCpuMicrosecondsPerOp, "0.0"));
        }

        Row(output, $"server RSS (MB){(s.Instances > 1 ? ", all instances" : "")}", ServerRssBytes is { } rss ? F(rss / 1048576.0, "0.0") : "n/a");
        if (RedisRssBytes is { } redisRss)
        {
            Row(output, "redis-server RSS (MB)", F(redisRss / 1048576.0, "0.0"));
        }

        if (s.IdleConnections > 0)
        {
            Row(output, "idle connections held", $"{IdleConnected} of {s.IdleConnections}");
            Row(output, "idle connect time (s)", Opt(IdleConnectSeconds, "0.0"));
            Row(output, "RSS per idle connection (KB)", Opt(IdleKbPerConnection, "0.0"));
        }

        Row(output, "converged", Converged switch { true => "yes", false => "no", null => "n/a (relay)" });
        Row(output, "errors", Errors.ToString(CultureInfo.InvariantCulture));
        Row(output, "retried submissions (unavailable)", Retries.ToString(CultureInfo.InvariantCulture));
        output.WriteLine(ToJson());
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        scenario = Scenario.Name,
        target = Target,
        store = Store,
        protocol = Protocol,
        instances = Scenario.Instances,
        documents = Scenario.Documents,
        clients = Scenario.Clients,
        idleConnections = Scenario.IdleConnections,
        capped = Scenario.Capped,
        targetOpsPerSecond = TargetRate,
        measuredSeconds = Round(Measured.TotalSeconds),
        ackedOps = AckedOps,
        opsPerSecond = Round(OpsPerSecond),
        ackMs = Json(Ack),
        seenMs = Json(Seen),
        serverCpuUsPerOp = Round(ServerCpuMicrosecondsPerOp),
        redisCpuUsPerOp = Round(RedisCpuMicrosecondsPerOp),
        loadCpuUsPerOp = Round(LoadCpuMicrosecondsPerOp),
        serverRssBytes = ServerRssBytes,
        redisRssBytes = RedisRssBytes,
        idleConnected = IdleConnected,
        idleConnectSeconds = Round(IdleConnectSeconds),
        idleKbPerConnection = Round(IdleKbPerConnection),
        converged = Converged,
        errors = Errors,
        retries = Retries,
    });

    private static object Json(Percentiles p) => new { p50 = Round(p.P50), p95 = Round(p.P95), p99 = Round(p.P99), samples = p.Count };

    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

    private static string Latencies(Percentiles p) => $"{F(p.P50, "0.00")} / {F(p.P95, "0.00")} / {F(p.P99, "0.00")}";

    private static string Opt(double? value, string format) => value is { } v ? F(v, format) : "n/a";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Row(TextWriter output, string name, string value) => output.WriteLine($"  {name,-38}{value}");
}
