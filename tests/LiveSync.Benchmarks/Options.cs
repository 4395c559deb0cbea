using System.Globalization;

namespace LiveSync.Benchmarks;

/// <summary>One workload of issue 7: documents, active clients, idle connections, and whether copies are capped near 4 KB.</summary>
internal sealed record Scenario(string Name, int Documents, int Clients, int IdleConnections, bool Capped)
{
    public static Scenario Get(string name) => name switch
    {
        "a" => new Scenario("a", Documents: 1, Clients: 8, IdleConnections: 0, Capped: true),
        "b" => new Scenario("b", Documents: 100, Clients: 200, IdleConnections: 0, Capped: true),
        "c" => new Scenario("c", Documents: 10, Clients: 20, IdleConnections: 1000, Capped: false),
        _ => throw new ArgumentException($"unknown scenario '{name}': use a, b or c"),
    };
}

/// <summary>The command line.</summary>
internal sealed record Options
{
    public const string Usage =
        "usage: LiveSync.Benchmarks --scenario a|b|c [--url http://127.0.0.1:PORT] [--server-pid PID] " +
        "[--warmup 2] [--duration 15] [--protocol json|messagepack]";

    public required Scenario Scenario { get; init; }

    /// <summary>The server to load; null: the tool starts LiveSync.Host itself on a temporary data directory.</summary>
    public Uri? Url { get; init; }

    /// <summary>With <see cref="Url"/>, the server's process id, so its CPU time and RSS can still be read.</summary>
    public int? ServerPid { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public bool MessagePack { get; init; }

    public static Options Parse(string[] args)
    {
        string? scenario = null;
        Uri? url = null;
        int? pid = null;
        double warmup = 2, duration = 15;
        var protocol = "json";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--scenario": scenario = value; break;
                case "--url": url = new Uri(value); break;
                case "--server-pid": pid = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--duration": duration = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--protocol": protocol = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        if (protocol is not ("json" or "messagepack"))
        {
            throw new ArgumentException($"unknown protocol '{protocol}': use json or messagepack");
        }

        return new Options
        {
            Scenario = Scenario.Get(scenario ?? throw new ArgumentException("--scenario is required")),
            Url = url,
            ServerPid = pid,
            Warmup = TimeSpan.FromSeconds(warmup),
            Duration = TimeSpan.FromSeconds(duration),
            MessagePack = protocol == "messagepack",
        };
    }
}
