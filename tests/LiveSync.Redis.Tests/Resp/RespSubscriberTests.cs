using System.Text;
using System.Threading.Channels;
using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespSubscriberTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly Channel<(string Channel, string Message)> _received = Channel.CreateUnbounded<(string, string)>();
    private RespConnection _publisher = null!;
    private RespSubscriber _subscriber = null!;

    public RespSubscriberTests(RedisServerFixture redis)
    {
        _redis = redis;
    }

    public async Task InitializeAsync()
    {
        _publisher = await RespConnection.ConnectAsync(_redis.Options()).Within();
        _subscriber = await RespSubscriber.ConnectAsync(_redis.Options()).Within();
    }

    public async Task DisposeAsync()
    {
        await _subscriber.DisposeAsync().Within();
        await _publisher.DisposeAsync().Within();
    }

    [Fact]
    public async Task Messages_reach_the_channel_handler_in_order()
    {
        var channel = Name();
        await _subscriber.SubscribeAsync(channel, Record).Within();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(1, (await _publisher.ExecuteAsync("PUBLISH", channel, $"m{i}").Within()).AsInt64());
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal((channel, $"m{i}"), await _received.Reader.ReadAsync().Within());
        }
    }

    [Fact]
    public async Task Pattern_subscriptions_report_the_actual_channel()
    {
        var prefix = Name();
        await _subscriber.PatternSubscribeAsync(prefix + ":*", Record).Within();
        await _publisher.ExecuteAsync("PUBLISH", prefix + ":doc-1", "hello").Within();
        Assert.Equal((prefix + ":doc-1", "hello"), await _received.Reader.ReadAsync().Within());

        await _subscriber.PatternUnsubscribeAsync(prefix + ":*").Within();
        Assert.Equal(0, (await _publisher.ExecuteAsync("PUBLISH", prefix + ":doc-1", "gone").Within()).AsInt64());
    }

    [Fact]
    public async Task Unsubscribing_stops_delivery()
    {
        var channel = Name();
        await _subscriber.SubscribeAsync(channel, Record).Within();
        await _subscriber.UnsubscribeAsync(channel).Within();
        Assert.Equal(0, (await _publisher.ExecuteAsync("PUBLISH", channel, "nobody").Within()).AsInt64());
    }

    [Fact]
    public async Task A_throwing_handler_does_not_break_the_connection()
    {
        var bad = Name();
        var good = Name();
        await _subscriber.SubscribeAsync(bad, (_, _) => throw new InvalidOperationException("handler bug")).Within();
        await _subscriber.SubscribeAsync(good, Record).Within();

        await _publisher.ExecuteAsync("PUBLISH", bad, "boom").Within();
        await _publisher.ExecuteAsync("PUBLISH", good, "still here").Within();
        Assert.Equal((good, "still here"), await _received.Reader.ReadAsync().Within());
        Assert.True(_subscriber.IsConnected);
    }

    [Fact]
    public async Task Every_subscription_comes_back_after_the_server_drops_the_connection()
    {
        var channel = Name();
        var prefix = Name();
        await _subscriber.SubscribeAsync(channel, Record).Within();
        await _subscriber.PatternSubscribeAsync(prefix + ".*", Record).Within();

        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscriber.ConnectionFailed += (_, _) => failed.TrySetResult();
        _subscriber.ConnectionRestored += (_, _) => restored.TrySetResult();

        Assert.True((await _publisher.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub").Within()).AsInt64() >= 1);
        await failed.Task.Within();
        await restored.Task.Within();

        // Restored is raised only once the subscriptions are confirmed, so the very next publish is delivered.
        Assert.Equal(1, (await _publisher.ExecuteAsync("PUBLISH", channel, "after").Within()).AsInt64());
        Assert.Equal((channel, "after"), await _received.Reader.ReadAsync().Within());
        Assert.Equal(1, (await _publisher.ExecuteAsync("PUBLISH", prefix + ".x", "pattern after").Within()).AsInt64());
        Assert.Equal((prefix + ".x", "pattern after"), await _received.Reader.ReadAsync().Within());
        var count = await _publisher.ExecuteAsync("PUBSUB", "NUMSUB", channel).Within();
        Assert.Equal(1, count[1].AsInt64());
    }

    private void Record(string channel, ReadOnlyMemory<byte> message) =>
        _received.Writer.TryWrite((channel, Encoding.UTF8.GetString(message.Span)));

    private static string Name() => "chan:" + Guid.NewGuid().ToString("N");
}
