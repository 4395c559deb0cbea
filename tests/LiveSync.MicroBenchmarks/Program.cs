using BenchmarkDotNet.Running;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job short</c> and the other standard options work,
/// e.g. <c>dotnet run -c Release --project tests/LiveSync.MicroBenchmarks -- --filter '*TextOt*' --job short</c>.
/// </summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
