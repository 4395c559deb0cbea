using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespScriptTests : IClassFixture<RedisServerFixture>
{
    private static readonly RespScript IncrementBy = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    private static readonly RespScript Failing = new("return redis.error_reply('LIVESYNC_CONFLICT head moved')");

    private readonly RedisServerFixture _redis;

    public RespScriptTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    [Fact]
    public void The_sha1_is_what_redis_names_the_script()
    {
        // SHA1 of "return 1", as SCRIPT LOAD reports it.
        Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", new RespScript("return 1").Sha1);
    }

    [Fact]
    public async Task Evalsha_falls_back_to_eval_on_noscript_and_recovers_after_script_flush()
    {
        await using var connection = await RespConnection.ConnectAsync(_redis.Options()).Within();
        var key = "script:" + Guid.NewGuid().ToString("N");
        await connection.ExecuteAsync("SCRIPT", "FLUSH").Within();

        // Not cached: EVALSHA gets NOSCRIPT, EVAL runs it and caches it.
        Assert.Equal(2, (await connection.EvaluateAsync(IncrementBy, [key], [2]).Within()).AsInt64());
        Assert.Equal(1, (await connection.ExecuteAsync("SCRIPT", "EXISTS", IncrementBy.Sha1).Within())[0].AsInt64());
        Assert.Equal(5, (await connection.EvaluateAsync(IncrementBy, [key], [3]).Within()).AsInt64());

        await connection.ExecuteAsync("SCRIPT", "FLUSH").Within();
        Assert.Equal(0, (await connection.ExecuteAsync("SCRIPT", "EXISTS", IncrementBy.Sha1).Within())[0].AsInt64());

        // Many at once after a flush: each falls back on its own and all results are right.
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => connection.EvaluateAsync(IncrementBy, [key], [1]).AsTask())).Within();
        Assert.Equal(Enumerable.Range(6, 50).Select(i => (long)i), results.Select(r => r.AsInt64()).Order());
    }

    [Fact]
    public async Task A_script_error_is_a_server_exception()
    {
        await using var connection = await RespConnection.ConnectAsync(_redis.Options()).Within();
        var error = await Assert.ThrowsAsync<RedisServerException>(() => connection.EvaluateAsync(Failing, [], []).Within());
        Assert.Equal("LIVESYNC_CONFLICT", error.Prefix);
        Assert.Equal("PONG", (await connection.ExecuteAsync("PING").Within()).AsString());
    }
}
