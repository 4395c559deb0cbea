using System.Diagnostics;
using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespReconnectTests
{
    private static readonly RespScript Increment = new("return redis.call('INCR', KEYS[1])");

    [Fact]
    public async Task Survives_kill_9_and_restart_under_load()
    {
        await using var redis = await RedisServerFixture.StartAsync(appendOnly: true).Within();
        var options = redis.Options(commandTimeout: TimeSpan.FromSeconds(5));
        options.Database = 2;
        await using var connection = await RespConnection.ConnectAsync(options).Within();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionFailed += (_, _) => failed.TrySetResult();
        connection.ConnectionRestored += (_, _) => restored.TrySetResult();
        Assert.Equal(1, (await connection.EvaluateAsync(Increment, ["counter"], []).Within()).AsInt64());

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(() => RunLoadAsync(connection, worker, stop.Token))).ToArray();
        Assert.True(await Bounded.UntilAsync(() => Task.FromResult(SuccessCount > 2000)), "load never got going");

        await redis.KillAsync();
        await failed.Task.Within();

        // Down: a command fails at once with the connection exception, no waiting for the command timeout.
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisConnectionException>(() => connection.ExecuteAsync("PING").Within());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.True(await Bounded.UntilAsync(() => Task.FromResult(ConnectionFailures > 0)), "no load command saw the connection drop");

        await redis.RestartAsync().Within(TimeSpan.FromSeconds(30));
        await restored.Task.Within();
        var successesAtRestore = SuccessCount;

        // Works again, for new commands and scripts (the restart emptied the script cache).
        Assert.Equal("PONG", (await connection.ExecuteAsync("PING").Within()).AsString());
        Assert.Contains(" db=2 ", (await connection.ExecuteAsync("CLIENT", "INFO").Within()).AsString(), StringComparison.Ordinal);
        Assert.True((await connection.EvaluateAsync(Increment, ["counter"], []).Within()).AsInt64() >= 1);
        Assert.True(await Bounded.UntilAsync(() => Task.FromResult(SuccessCount > successesAtRestore + 2000)), "load did not resume");

        await stop.CancelAsync();
        await Task.WhenAll(load).Within();
        Assert.Equal(0, OtherFailures);
    }

    private int _successes;
    private int _connectionFailures;
    private int _otherFailures;

    private int SuccessCount => Volatile.Read(ref _successes);

    private int ConnectionFailures => Volatile.Read(ref _connectionFailures);

    private int OtherFailures => Volatile.Read(ref _otherFailures);

    private async Task RunLoadAsync(RespConnection connection, int worker, CancellationToken stop)
    {
        var key = $"load:{worker}";
        for (var i = 0; i < 1_000_000 && !stop.IsCancellationRequested; i++)
        {
            try
            {
                // Several in flight per worker, so the kill lands on pending commands.
                var a = connection.ExecuteAsync("INCR", key).AsTask();
                var b = connection.ExecuteAsync("ECHO", i).AsTask();
                await Task.WhenAll(a, b).Within();
                if (b.Result.AsInt64() != i)
                {
                    Interlocked.Increment(ref _otherFailures);
                }

                Interlocked.Add(ref _successes, 2);
            }
            catch (RedisConnectionException)
            {
                Interlocked.Increment(ref _connectionFailures);

                // Back off a little so the failing loop does not spin while the server is down.
                await Task.Delay(2, CancellationToken.None);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _otherFailures);
            }
        }
    }
}
