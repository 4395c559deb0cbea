using System.Text;
using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespConnectionTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private RespConnection _connection = null!;

    public RespConnectionTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    public async Task InitializeAsync() => _connection = await RespConnection.ConnectAsync(_redis.Options()).Within();

    public async Task DisposeAsync() => await _connection.DisposeAsync().Within();

    [Fact]
    public async Task Set_get_incr_del_round_trip()
    {
        var key = Key();
        Assert.Equal("OK", (await _connection.ExecuteAsync("SET", key, "hello").Within()).AsString());
        Assert.Equal("hello", (await _connection.ExecuteAsync("GET", key).Within()).AsString());
        Assert.Equal(1, (await _connection.ExecuteAsync("DEL", key).Within()).AsInt64());
        Assert.Equal(5, (await _connection.ExecuteAsync("INCRBY", key, 5L).Within()).AsInt64());
        var incremented = await _connection.ExecuteAsync("INCR", key).Within();
        Assert.Equal(RespType.Integer, incremented.Type);
        Assert.Equal(6, incremented.AsInt64());
        Assert.Equal(6, (await _connection.ExecuteAsync("GET", key).Within()).AsInt64());
        Assert.Equal("PONG", (await _connection.ExecuteAsync("PING").Within()).AsString());
    }

    [Fact]
    public async Task Unicode_and_binary_values_round_trip_exactly()
    {
        var key = Key();
        await _connection.ExecuteAsync("SET", key, "héllo ✓ 😀").Within();
        Assert.Equal("héllo ✓ 😀", (await _connection.ExecuteAsync("GET", key).Within()).AsString());

        var binary = new byte[256];
        for (var i = 0; i < binary.Length; i++)
        {
            binary[i] = (byte)i; // includes \r and \n
        }

        await _connection.ExecuteAsync("SET", key, binary).Within();
        Assert.Equal(binary, (await _connection.ExecuteAsync("GET", key).Within()).AsBytes().ToArray());
        await _connection.ExecuteAsync("SET", key, ReadOnlyMemory<byte>.Empty).Within();
        var empty = await _connection.ExecuteAsync("GET", key).Within();
        Assert.False(empty.IsNull);
        Assert.Equal(0, empty.AsBytes().Length);
    }

    [Fact]
    public async Task Nulls_and_arrays_are_told_apart()
    {
        var missing = await _connection.ExecuteAsync("GET", Key()).Within();
        Assert.Equal(RespType.BulkString, missing.Type);
        Assert.True(missing.IsNull);
        Assert.Null(missing.AsString());

        var key = Key();
        await _connection.ExecuteAsync("RPUSH", key, "a", "b", 3).Within();
        var list = await _connection.ExecuteAsync("LRANGE", key, 0, -1).Within();
        Assert.Equal(RespType.Array, list.Type);
        Assert.Equal(["a", "b", "3"], list.Elements.ToArray().Select(v => v.AsString()));

        var empty = await _connection.ExecuteAsync("LRANGE", Key(), 0, -1).Within();
        Assert.False(empty.IsNull);
        Assert.Equal(0, empty.Length);

        var mixed = await _connection.ExecuteAsync("MGET", key + ":none", Key()).Within();
        Assert.True(mixed[0].IsNull && mixed[1].IsNull);

        // BLPOP timing out answers a null array (*-1).
        var timedOut = await _connection.ExecuteAsync("BLPOP", Key(), "0.01").Within();
        Assert.Equal(RespType.Array, timedOut.Type);
        Assert.True(timedOut.IsNull);
    }

    [Fact]
    public async Task Error_replies_throw_and_the_connection_goes_on()
    {
        var key = Key();
        await _connection.ExecuteAsync("SET", key, "not a number").Within();
        var notInteger = await Assert.ThrowsAsync<RedisServerException>(() => _connection.ExecuteAsync("INCR", key).Within());
        Assert.Equal("ERR value is not an integer or out of range", notInteger.Message);
        Assert.Equal("ERR", notInteger.Prefix);

        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => _connection.ExecuteAsync("LPUSH", key, "x").Within());
        Assert.Equal("WRONGTYPE", wrongType.Prefix);

        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => _connection.ExecuteAsync("NOSUCHCOMMAND", 1).Within());
        Assert.StartsWith("ERR unknown command", unknown.Message, StringComparison.Ordinal);

        Assert.Equal("not a number", (await _connection.ExecuteAsync("GET", key).Within()).AsString());
    }

    [Fact]
    public async Task Ten_thousand_concurrent_commands_each_get_their_own_reply()
    {
        const int Count = 10_000;
        var prefix = Key();
        var replies = new Task<RespValue>[Count];

        // Issued from several threads at once, mixing commands with different reply types.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = worker; i < Count; i += 8)
            {
                replies[i] = (i % 3) switch
                {
                    0 => _connection.ExecuteAsync("ECHO", $"v{i}").AsTask(),
                    1 => _connection.ExecuteAsync("INCRBY", $"{prefix}:{i}", i).AsTask(),
                    _ => _connection.ExecuteAsync("SET", $"{prefix}:{i}", i).AsTask(),
                };
            }
        }))).Within();
        var results = await Task.WhenAll(replies).Within();

        for (var i = 0; i < Count; i++)
        {
            var reply = results[i];
            switch (i % 3)
            {
                case 0:
                    Assert.Equal($"v{i}", reply.AsString());
                    break;
                case 1:
                    Assert.Equal(i, reply.AsInt64());
                    break;
                default:
                    Assert.Equal("OK", reply.AsString());
                    break;
            }
        }

        // And they were stored under the right keys.
        var check = await Task.WhenAll(Enumerable.Range(0, Count).Where(i => i % 3 != 0)
            .Select(async i => (i, await _connection.ExecuteAsync("GET", $"{prefix}:{i}")))).Within();
        Assert.All(check, pair => Assert.Equal(pair.i, pair.Item2.AsInt64()));
    }

    [Fact]
    public async Task One_megabyte_values_round_trip_amid_small_commands()
    {
        var key = Key();
        var big = new byte[1024 * 1024];
        new Random(42).NextBytes(big);

        var set = _connection.ExecuteAsync("SET", key, big).AsTask();
        var ping = _connection.ExecuteAsync("ECHO", "after-set").AsTask();
        var get = _connection.ExecuteAsync("GET", key).AsTask();
        var echo = _connection.ExecuteAsync("ECHO", "after-get").AsTask();
        var results = await Task.WhenAll(set, ping, get, echo).Within();

        Assert.Equal("OK", results[0].AsString());
        Assert.Equal("after-set", results[1].AsString());
        Assert.True(results[2].AsBytes().Span.SequenceEqual(big));
        Assert.Equal("after-get", results[3].AsString());
        Assert.Equal(big.Length, (await _connection.ExecuteAsync("STRLEN", key).Within()).AsInt64());
    }

    [Fact]
    public async Task Stream_entries_parse_as_nested_arrays()
    {
        var key = Key();
        Assert.Equal("1-1", (await _connection.ExecuteAsync("XADD", key, "1-1", "op", "insert", "v", 1).Within()).AsString());
        Assert.Equal("2-0", (await _connection.ExecuteAsync("XADD", key, "2-0", "op", "delete", "v", 2).Within()).AsString());
        Assert.Equal("3-5", (await _connection.ExecuteAsync("XADD", key, "3-5", "op", Encoding.UTF8.GetBytes("ü"), "v", 3).Within()).AsString());
        await Assert.ThrowsAsync<RedisServerException>(() => _connection.ExecuteAsync("XADD", key, "2-0", "op", "x").Within());

        var all = await _connection.ExecuteAsync("XRANGE", key, "-", "+").Within();
        Assert.Equal(3, all.Length);
        Assert.Equal("1-1", all[0][0].AsString());
        Assert.Equal(["op", "insert", "v", "1"], all[0][1].Elements.ToArray().Select(v => v.AsString()));
        Assert.Equal("ü", all[2][1][1].AsString());

        var range = await _connection.ExecuteAsync("XRANGE", key, "2-0", "+", "COUNT", 1).Within();
        Assert.Equal("2-0", Assert.Single(range.Elements.ToArray())[0].AsString());

        var reverse = await _connection.ExecuteAsync("XREVRANGE", key, "+", "-").Within();
        Assert.Equal(["3-5", "2-0", "1-1"], reverse.Elements.ToArray().Select(e => e[0].AsString()));
        Assert.Equal(3, (await _connection.ExecuteAsync("XLEN", key).Within()).AsInt64());
        Assert.Equal(0, (await _connection.ExecuteAsync("XRANGE", key, "4", "+").Within()).Length);
    }

    [Fact]
    public async Task A_timed_out_command_fails_clearly_and_its_late_reply_is_discarded()
    {
        await using var slow = await RespConnection.ConnectAsync(_redis.Options(commandTimeout: TimeSpan.FromSeconds(1))).Within();
        var queue = Key();
        var key = Key();

        // BLPOP with no timeout blocks on the server until something is pushed.
        var blocked = await Assert.ThrowsAsync<TimeoutException>(() => slow.ExecuteAsync("BLPOP", queue, 0).Within());
        Assert.Contains("BLPOP", blocked.Message, StringComparison.Ordinal);
        Assert.True(slow.IsConnected);

        // Releasing it sends BLPOP's reply, which must be consumed rather than handed to the next command.
        Assert.Equal(1, (await _connection.ExecuteAsync("LPUSH", queue, "late").Within()).AsInt64());
        Assert.Equal("OK", (await slow.ExecuteAsync("SET", key, "fresh").Within()).AsString());
        Assert.Equal("fresh", (await slow.ExecuteAsync("GET", key).Within()).AsString());
        Assert.Equal(0, (await slow.ExecuteAsync("LLEN", queue).Within()).AsInt64());
    }

    [Fact]
    public async Task A_cancelled_wait_does_not_shift_later_replies()
    {
        var queue = Key();
        await using var other = await RespConnection.ConnectAsync(_redis.Options()).Within();
        using var cts = new CancellationTokenSource();
        var waiting = other.ExecuteAsync(["BLPOP", queue, 0], cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Within());

        await _connection.ExecuteAsync("LPUSH", queue, "x").Within();
        Assert.Equal("next", (await other.ExecuteAsync("ECHO", "next").Within()).AsString());
    }

    [Fact]
    public async Task Database_and_password_are_applied_on_connect()
    {
        var options = _redis.Options();
        options.Database = 3;
        await using var db3 = await RespConnection.ConnectAsync(options).Within();
        var key = Key();
        await db3.ExecuteAsync("SET", key, "in-3").Within();
        Assert.True((await _connection.ExecuteAsync("GET", key).Within()).IsNull);
        Assert.Equal("in-3", (await db3.ExecuteAsync("GET", key).Within()).AsString());

        options = _redis.Options();
        options.Password = "wrong";
        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => RespConnection.ConnectAsync(options).Within());
        Assert.DoesNotContain("wrong", refused.Message, StringComparison.Ordinal);
        Assert.IsType<RedisServerException>(refused.InnerException);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_with_a_connection_exception()
    {
        var options = _redis.Options();
        options.Port = 1; // nothing listens on loopback port 1
        await Assert.ThrowsAsync<RedisConnectionException>(() => RespConnection.ConnectAsync(options).Within());
    }

    private static string Key() => "test:" + Guid.NewGuid().ToString("N");
}
