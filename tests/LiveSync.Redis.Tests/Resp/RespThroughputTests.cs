using System.Diagnostics;
using LiveSync.Redis.Resp;
using Xunit.Abstractions;

namespace LiveSync.Redis.Tests.Resp;

/// <summary>A quick figure, not a benchmark: prints pipelined ops/s, and redis-benchmark's when it is installed.</summary>
public sealed class RespThroughputTests
{
    private readonly ITestOutputHelper _output;

    public RespThroughputTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Pipelined_set_and_get_throughput_is_reported()
    {
        await using var redis = await RedisServerFixture.StartAsync().Within();
        await using var connection = await RespConnection.ConnectAsync(redis.Options()).Within();
        const int Operations = 200_000;
        const int Workers = 16;
        var value = new byte[16];

        await RunAsync(connection, value, 10_000, Workers); // warm-up
        var clock = Stopwatch.StartNew();
        await RunAsync(connection, value, Operations, Workers).Within(TimeSpan.FromSeconds(60));
        var perSecond = Operations / clock.Elapsed.TotalSeconds;
        _output.WriteLine($"RespConnection: {Operations} SET/GET with {Workers} callers x 64 in flight: {perSecond:N0} ops/s");

        foreach (var candidate in new[] { "/usr/bin/redis-benchmark", "/usr/local/bin/redis-benchmark" })
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var start = new ProcessStartInfo(candidate) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-h", "127.0.0.1", "-p", redis.Port.ToString(), "-t", "set,get", "-n", "200000", "-P", "16", "-q", "-d", "16" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync().Within(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync().Within(TimeSpan.FromSeconds(10));
            _output.WriteLine("redis-benchmark -P 16: " + text.Replace('\r', '\n'));
            break;
        }

        Assert.True(perSecond > 1000);
    }

    private static async Task RunAsync(RespConnection connection, byte[] value, int operations, int workers)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var inFlight = new Task<RespValue>[64];
            var key = $"bench:{worker}";
            for (var done = 0; done < operations / workers; done += inFlight.Length)
            {
                for (var i = 0; i < inFlight.Length; i++)
                {
                    inFlight[i] = (i & 1) == 0 ? connection.ExecuteAsync("SET", key, value).AsTask() : connection.ExecuteAsync("GET", key).AsTask();
                }

                await Task.WhenAll(inFlight);
            }
        })));
    }
}
