using System.Diagnostics;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>Percentiles of measured latencies, in milliseconds.</summary>
internal static class Latency
{
    public static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    public static string Describe(IReadOnlyCollection<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length == 0
            ? "no samples"
            : $"p50 {At(sorted, 0.50):F2} ms, p99 {At(sorted, 0.99):F2} ms, max {sorted[^1]:F2} ms over {sorted.Length}";
    }

    public static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
