using System.Text.RegularExpressions;
using LiveSync.Redis.Affinity;

namespace LiveSync.Redis.Tests.Affinity;

/// <summary>
/// Server processes with document affinity, and what the tests read from their logs: each server's id, how many
/// servers it counts as owners, and its affinity totals.
/// </summary>
internal static partial class AffinityServers
{
    /// <summary>Affinity and sequencing at debug level: the totals and any lost append race are logged.</summary>
    public static readonly string[] DebugLogging =
    [
        "--Logging:LogLevel:LiveSync.Redis.Affinity=Debug",
        "--Logging:LogLevel:LiveSync.Server.Sequencing=Debug",
    ];

    /// <summary>Starts <paramref name="count"/> servers on one Redis and waits until each counts all of them as owners.</summary>
    public static async Task<ServerProcess[]> StartAsync(int count, string redisConfiguration, params string[] extraArgs)
    {
        var servers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            ServerProcess.StartWithRedisAsync(redisConfiguration, [.. DebugLogging, .. extraArgs]))).Within(TimeSpan.FromSeconds(90));
        foreach (var server in servers)
        {
            Assert.True(
                await Bounded.UntilAsync(() => Task.FromResult(OwnerCount(server) == count), TimeSpan.FromSeconds(30)),
                "the servers did not all see each other:\n" + server.Output);
        }

        return servers;
    }

    /// <summary>The server's id, as it logged it when affinity started.</summary>
    public static string Id(ServerProcess server) => StartedLine().Match(server.Output) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidOperationException("affinity did not start:\n" + server.Output);

    /// <summary>How many servers own documents, as the server last logged it; 0 before it did.</summary>
    public static int OwnerCount(ServerProcess server) =>
        ServersLine().Matches(server.Output) is { Count: > 0 } matches ? int.Parse(matches[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>The server's last logged totals: forwarded to owners, served for others, sequenced here after a failed forward.</summary>
    public static (long Forwarded, long Served, long Fallbacks) Totals(ServerProcess server)
    {
        var matches = TotalsLine().Matches(server.Output);
        if (matches.Count == 0)
        {
            return (0, 0, 0);
        }

        var last = matches[^1].Groups;
        return (long.Parse(last[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(last[2].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(last[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the server's logged totals satisfy <paramref name="condition"/> (they are logged every heartbeat).</summary>
    public static async Task<(long Forwarded, long Served, long Fallbacks)> TotalsWhenAsync(ServerProcess server, Func<(long Forwarded, long Served, long Fallbacks), bool> condition)
    {
        Assert.True(
            await Bounded.UntilAsync(() => Task.FromResult(condition(Totals(server))), TimeSpan.FromSeconds(30)),
            $"totals {Totals(server)} never met the condition:\n" + server.Output);
        return Totals(server);
    }

    /// <summary>How many appends lost a race to another server (logged at debug level by the sequencer).</summary>
    public static int AppendConflicts(ServerProcess server) => ConflictLine().Count(server.Output);

    /// <summary>Document ids with this prefix, <paramref name="each"/> owned by each of <paramref name="owners"/> in turn.</summary>
    public static List<string> DocumentsOwnedBy(string prefix, IReadOnlyList<string> owners, int each)
    {
        var docs = new List<string>();
        foreach (var owner in owners)
        {
            docs.AddRange(Enumerable.Range(0, 10_000)
                .Select(i => $"{prefix}-{i}")
                .Where(doc => Rendezvous.Owner(doc, owners) == owner)
                .Take(each));
        }

        return docs;
    }

    [GeneratedRegex("Document affinity on as server ([0-9a-f]{32})")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"Document affinity: (\d+) server\(s\) own documents")]
    private static partial Regex ServersLine();

    [GeneratedRegex(@"Document affinity totals: (\d+) submissions forwarded to their owner, (\d+) sequenced here for other servers, (\d+) sequenced here after a forward failed")]
    private static partial Regex TotalsLine();

    [GeneratedRegex(@"expected head \d+ but found")]
    private static partial Regex ConflictLine();
}
