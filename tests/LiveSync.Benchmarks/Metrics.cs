using System.Collections.Concurrent;
using System.Diagnostics;

namespace LiveSync.Benchmarks;

/// <summary>What every client of a run shares: the phase, and when each token was submitted.</summary>
internal sealed class LoadState
{
    private volatile int _phase; // 0 warm-up, 1 measuring, 2 stopped

    /// <summary>With a paced run, the time each client waits between its submissions (<see cref="Stopwatch"/> ticks); 0: none.</summary>
    public long PaceTicks { get; init; }

    /// <summary>Token to its submit time (<see cref="Stopwatch"/> ticks), read by the clients that see the token arrive.</summary>
    public ConcurrentDictionary<string, long> SubmitTimes { get; } = new();

    public bool Measuring => _phase == 1;

    public bool Stopped => _phase == 2;

    public void StartMeasuring() => _phase = 1;

    public void Stop() => _phase = 2;

    public static double Milliseconds(long fromTicks, long toTicks) => (toTicks - fromTicks) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>p50 / p95 / p99 of a set of samples, in milliseconds.</summary>
internal readonly record struct Percentiles(double P50, double P95, double P99, int Count)
{
    public static Percentiles Of(IEnumerable<double> samples)
    {
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        return new Percentiles(Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted.Length);
    }

    // Nearest rank: the smallest sample with at least p of all samples at or below it.
    private static double Rank(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
