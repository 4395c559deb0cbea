using System.Globalization;

namespace LiveSync.Benchmarks;

/// <summary>A process's CPU time and resident memory, read from /proc (Linux only).</summary>
internal readonly record struct ProcStats(TimeSpan Cpu, long RssBytes)
{
    // USER_HZ: /proc reports times in these ticks; it is 100 on every Linux ABI .NET runs on.
    private const double TicksPerSecond = 100;

    public static ProcStats Read(int pid)
    {
        // /proc/<pid>/stat: "pid (comm) state ...": comm may hold spaces, so fields are counted after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After comm, field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

        long rssKb = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rssKb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                break;
            }
        }

        return new ProcStats(TimeSpan.FromSeconds(ticks / TicksPerSecond), rssKb * 1024);
    }
}
