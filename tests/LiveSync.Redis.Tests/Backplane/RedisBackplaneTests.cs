using LiveSync.Redis.Backplane;
using LiveSync.Redis.Resp;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>What only the Redis backplane has: its envelope and channels, acknowledgement timeouts, bad messages, lost subscriber connections.</summary>
public sealed class RedisBackplaneTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly byte[] Self = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];

    [Fact]
    public void An_invocation_envelope_reads_back_as_written()
    {
        SerializedMessage[] messages = [new("json", "{\"a\":1}\u001e"u8.ToArray()), new("messagepack", new byte[300])];
        var length = BackplaneEnvelope.WriteInvocation(Self, ["conn-1", "cönn-2"], messages, out var buffer);
        var envelope = buffer.AsMemory(0, length).ToArray();
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);

        Assert.Equal(BackplaneEnvelope.Kind.Invocation, BackplaneEnvelope.ReadHeader(envelope, Self, out var fromSelf));
        Assert.True(fromSelf);
        BackplaneEnvelope.ReadHeader(envelope, new byte[16], out var fromOther);
        Assert.False(fromOther);
        var read = BackplaneEnvelope.ReadInvocation(envelope, out var excluded);
        Assert.Equal(["conn-1", "cönn-2"], excluded!.Order());
        Assert.Equal(["json", "messagepack"], read.Select(m => m.ProtocolName));
        Assert.Equal(messages[0].Serialized.ToArray(), read[0].Serialized.ToArray());
        Assert.Equal(300, read[1].Serialized.Length);
    }

    [Fact]
    public void Group_commands_and_acks_read_back_as_written()
    {
        var command = BackplaneEnvelope.WriteGroupCommand(Self, 300_000, BackplaneEnvelope.GroupAction.Remove, "conn", "doc:notes:1");
        Assert.Equal(BackplaneEnvelope.Kind.GroupCommand, BackplaneEnvelope.ReadHeader(command, Self, out _));
        Assert.Equal((300_000u, BackplaneEnvelope.GroupAction.Remove, "conn", "doc:notes:1"), BackplaneEnvelope.ReadGroupCommand(command));
        Assert.Equal(Convert.ToHexStringLower(Self), BackplaneEnvelope.Sender(command));

        var ack = BackplaneEnvelope.WriteAck(Self, 7);
        Assert.Equal(BackplaneEnvelope.Kind.Ack, BackplaneEnvelope.ReadHeader(ack, Self, out _));
        Assert.Equal(7u, BackplaneEnvelope.ReadAck(ack));
    }

    [Fact]
    public void Malformed_envelopes_are_refused_not_misread()
    {
        var ack = BackplaneEnvelope.WriteAck(Self, 7);
        Assert.Throws<FormatException>(() => BackplaneEnvelope.ReadHeader(ack.AsSpan(0, 5), Self, out _));
        var unknownFormat = ack.ToArray();
        unknownFormat[0] = 2;
        Assert.Throws<FormatException>(() => BackplaneEnvelope.ReadHeader(unknownFormat, Self, out _));
        Assert.Throws<FormatException>(() => BackplaneEnvelope.ReadAck(ack.AsMemory(0, ack.Length - 1)));
        Assert.Throws<FormatException>(() => BackplaneEnvelope.ReadAck(ack.Concat(new byte[] { 0 }).ToArray()));
        var length = BackplaneEnvelope.WriteInvocation(Self, null, [new("json", new byte[10])], out var buffer);
        Assert.Throws<FormatException>(() => BackplaneEnvelope.ReadInvocation(buffer.AsMemory(0, length - 1), out _));
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    [Fact]
    public void Channels_carry_the_prefix_and_hub_and_parse_back_whatever_the_name()
    {
        var channels = new RedisChannels("livesync:", "LiveSync.Server.Hubs.LiveSyncHub");
        Assert.Equal("livesync:bp:LiveSync.Server.Hubs.LiveSyncHub:all", channels.All);
        Assert.Equal("livesync:bp:LiveSync.Server.Hubs.LiveSyncHub:group:doc:notes:42", channels.Group("doc:notes:42"));
        Assert.True(channels.TryParseGroup(channels.Group("doc:notes:42"), out var group));
        Assert.Equal("doc:notes:42", group);
        Assert.True(channels.TryParseUser(channels.User("a:b"), out var user));
        Assert.Equal("a:b", user);
        Assert.True(channels.TryParseConnection(channels.Connection("c1"), out var connection));
        Assert.Equal("c1", connection);
        Assert.False(channels.TryParseGroup(channels.User("x"), out _));
        Assert.False(new RedisChannels("other:", "LiveSync.Server.Hubs.LiveSyncHub").TryParseGroup(channels.Group("g"), out _));
    }

    [Fact]
    public async Task Adding_a_connection_no_server_holds_times_out()
    {
        await using var server = await RedisBackplaneServer.StartAsync(redis.Configuration, Prefix(), o => o.GroupCommandTimeout = TimeSpan.FromMilliseconds(300));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => server.Manager.AddToGroupAsync("no-such-connection", "g").Within());
        Assert.Contains("no-such-connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_on_the_channels_is_dropped_and_delivery_goes_on()
    {
        var prefix = Prefix();
        await using var s0 = await RedisBackplaneServer.StartAsync(redis.Configuration, prefix);
        await using var s1 = await RedisBackplaneServer.StartAsync(redis.Configuration, prefix);
        await using var b = await ContractClient.ConnectAsync(s1, "b");
        await s1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();

        var channels = new RedisChannels(prefix, typeof(ContractHub).FullName!);
        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        foreach (var channel in new[] { channels.All, channels.Group("g"), channels.Connection(b.ConnectionId), channels.Server(s1.Services.GetRequiredService<RedisBackplane>().ServerId) })
        {
            await raw.ExecuteAsync("PUBLISH", channel, new byte[] { 1, 1, 0 }).Within();
            await raw.ExecuteAsync("PUBLISH", channel, new byte[] { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 }).Within();
        }

        await s0.Manager.SendGroupAsync("g", ContractClient.Hello, ["still"]).Within();
        Assert.Equal("still", await b.NextHelloAsync());
    }

    [Fact]
    public async Task After_the_subscriber_connections_are_killed_sends_reach_other_servers_again()
    {
        var prefix = Prefix();
        await using var s0 = await RedisBackplaneServer.StartAsync(redis.Configuration, prefix);
        await using var s1 = await RedisBackplaneServer.StartAsync(redis.Configuration, prefix);
        await using var a = await ContractClient.ConnectAsync(s0, "a");
        await using var b = await ContractClient.ConnectAsync(s1, "b");
        await s1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();
        await s0.Manager.AddToGroupAsync(b.ConnectionId, "g2").Within();

        await using var raw = await RespConnection.ConnectAsync(redis.Options()).Within();
        Assert.True((await raw.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub").Within()).AsInt64() >= 2);

        // Messages sent while a subscriber is down are lost (pub/sub), and each server resubscribes on its own
        // schedule: probe both directions until each server's subscriber is back, then every channel works again.
        var probe = 0;
        bool aHeard = false, bHeard = false;
        var arrived = await Bounded.UntilAsync(async () =>
        {
            if (!bHeard)
            {
                await s0.Manager.SendGroupAsync("g", ContractClient.Hello, ["probe-" + probe++]);
            }

            if (!aHeard)
            {
                await s1.Manager.SendConnectionAsync(a.ConnectionId, ContractClient.Hello, ["probe-" + probe++]);
            }

            bHeard = bHeard || await b.TryNextHelloAsync(TimeSpan.FromMilliseconds(100)) is not null;
            aHeard = aHeard || await a.TryNextHelloAsync(TimeSpan.FromMilliseconds(100)) is not null;
            return aHeard && bHeard;
        });
        Assert.True(arrived, $"after the subscriber connections were killed: reached s1 {bHeard}, reached s0 {aHeard}");

        await s0.Manager.SendConnectionAsync(b.ConnectionId, ContractClient.Hello, ["to-b"]).Within();
        await s0.Manager.SendGroupAsync("g2", ContractClient.Hello, ["to-g2"]).Within();
        await s1.Manager.SendAllAsync(ContractClient.Hello, ["to-all"]).Within();
        await HellosUntilAsync(a, "to-all");
        await HellosUntilAsync(b, "to-b", "to-g2", "to-all");
    }

    /// <summary>Reads hellos until the client has seen all of <paramref name="expected"/>, skipping late probes.</summary>
    private static async Task HellosUntilAsync(ContractClient client, params string[] expected)
    {
        var seen = new List<string>();
        for (var i = 0; i < 20 && !expected.All(seen.Contains); i++)
        {
            seen.Add(await client.NextHelloAsync());
        }

        foreach (var value in expected)
        {
            Assert.Contains(value, seen);
        }
    }

    private static string Prefix() => $"t{Guid.NewGuid():N}:";
}
