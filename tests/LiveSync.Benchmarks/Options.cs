using System.Globalization;

namespace LiveSync.Benchmarks;

/// <summary>
/// One workload of issue 7: documents, active clients, idle connections, whether copies are capped near 4 KB, and
/// how many server instances share the documents (client i connects to instance floor(i / D) mod S).
/// </summary>
internal sealed record Scenario(string Name, int Documents, int Clients, int IdleConnections, bool Capped, int Instances = 1)
{
    public static Scenario Get(string name) => name switch
    {
        "a" => new Scenario("a", Documents: 1, Clients: 8, IdleConnections: 0, Capped: true),
        "b" => new Scenario("b", Documents: 100, Clients: 200, IdleConnections: 0, Capped: true),
        "c" => new Scenario("c", Documents: 10, Clients: 20, IdleConnections: 1000, Capped: false),
        "d" => new Scenario("d", Documents: 10, Clients: 20, IdleConnections: 0, Capped: true, Instances: 2),
        "e" => new Scenario("e", Documents: 0, Clients: 0, IdleConnections: 10_000, Capped: false),
        _ => throw new ArgumentException($"unknown scenario '{name}': use a, b, c, d or e"),
    };

    /// <summary>Only idle connections: nothing is submitted, only memory and connect time are measured.</summary>
    public bool IdleOnly => Clients == 0;
}

/// <summary>The command line.</summary>
internal sealed record Options
{
    public const string Usage =
        "usage: LiveSync.Benchmarks --scenario a|b|c|d|e [--store embedded|redis] [--target livesync|relay] " +
        "[--protocol json|messagepack] [--warmup 2] [--duration 15] [--idle N] [--rate OPS_PER_S] " +
        "[--url http://127.0.0.1:PORT[,http://...]] [--server-pid PID[,PID]] [--redis-pid PID]\n" +
        "       LiveSync.Benchmarks --relay-server [--urls http://127.0.0.1:0]   (the bare relay hub, alone)";

    public required Scenario Scenario { get; init; }

    /// <summary>The server(s) to load; null: the tool starts them itself (and redis-server with --store redis).</summary>
    public IReadOnlyList<Uri>? Urls { get; init; }

    /// <summary>With <see cref="Urls"/>, the servers' process ids, so their CPU time and RSS can still be read.</summary>
    public IReadOnlyList<int>? ServerPids { get; init; }

    /// <summary>With <see cref="Urls"/>, redis-server's process id, so its CPU time can still be read.</summary>
    public int? RedisPid { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public bool MessagePack { get; init; }

    /// <summary>
    /// Total submissions per second to pace the clients to (each waits for its turn after an acknowledgement, one op
    /// still in flight), so latency can be compared at a given throughput; null: as fast as acknowledgements come.
    /// </summary>
    public double? Rate { get; init; }

    /// <summary>Keep documents in a private redis-server (AOF everysec) instead of the embedded store.</summary>
    public bool Redis { get; init; }

    /// <summary>Drive the bare relay hub (no sequencing, no storage) instead of LiveSync: the ceiling.</summary>
    public bool Relay { get; init; }

    public string Store => Relay ? "none" : Redis ? "redis" : "embedded";

    public static Options Parse(string[] args)
    {
        string? scenario = null;
        List<Uri>? urls = null;
        List<int>? pids = null;
        int? redisPid = null;
        int? idle = null;
        double? rate = null;
        double warmup = 2, duration = 15;
        var protocol = "json";
        var store = "embedded";
        var target = "livesync";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenario": scenario = value; break;
                case "--url": urls = value.Split(',').Select(u => new Uri(u)).ToList(); break;
                case "--server-pid": pids = value.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList(); break;
                case "--redis-pid": redisPid = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": duration = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--protocol": protocol = value; break;
                case "--store": store = value; break;
                case "--target": target = value; break;
                case "--idle": idle = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        if (protocol is not ("json" or "messagepack"))
        {
            throw new ArgumentException($"unknown protocol '{protocol}': use json or messagepack");
        }

        if (store is not ("embedded" or "redis"))
        {
            throw new ArgumentException($"unknown store '{store}': use embedded or redis");
        }

        if (target is not ("livesync" or "relay"))
        {
            throw new ArgumentException($"unknown target '{target}': use livesync or relay");
        }

        var chosen = Scenario.Get(scenario ?? throw new ArgumentException("--scenario is required"));
        if (idle is { } n)
        {
            chosen = chosen with { IdleConnections = n >= 0 ? n : throw new ArgumentException("--idle must be 0 or more") };
        }

        var relay = target == "relay";
        if (chosen.Instances > 1 && store != "redis" && !relay && urls is null)
        {
            throw new ArgumentException($"scenario {chosen.Name} runs {chosen.Instances} instances on one Redis: add --store redis");
        }

        if (relay && chosen.Instances > 1)
        {
            throw new ArgumentException("the relay hub is one process: use it with scenarios a, b, c or e");
        }

        if (rate is { } r && (!(r > 0) || chosen.IdleOnly || relay))
        {
            throw new ArgumentException("--rate needs a positive number of ops/s, a scenario with active clients, and LiveSync as the target (the relay hub is the unpaced ceiling)");
        }

        if (urls is not null && urls.Count != chosen.Instances)
        {
            throw new ArgumentException($"scenario {chosen.Name} needs {chosen.Instances} --url value(s)");
        }

        return new Options
        {
            Scenario = chosen,
            Urls = urls,
            ServerPids = pids,
            RedisPid = redisPid,
            Warmup = TimeSpan.FromSeconds(warmup),
            Duration = TimeSpan.FromSeconds(duration),
            MessagePack = protocol == "messagepack",
            Rate = rate,
            Redis = store == "redis" && !relay,
            Relay = relay,
        };
    }
}
