using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol.MessagePack;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Server.Tests.Hubs;

/// <summary>
/// A connection that sends garbage after a valid messagepack handshake is closed cleanly (a SignalR Close message,
/// then a WebSocket close handshake), while the other connections on the same server carry on.
/// </summary>
public sealed class MalformedFrameTests : IAsyncLifetime
{
    // A small op limit makes the hub's receive limit small too ((2 * 1024) + 16 KiB), so a frame over it is cheap to send.
    private const int MaxOpBytes = 1024;
    private const int ReceiveLimit = (MaxOpBytes * 2) + (16 * 1024);

    private LiveSyncTestServer _server = null!;

    public static TheoryData<string> Garbage => new()
    {
        "random-bytes",
        "length-prefix-over-the-receive-limit",
        "length-prefix-of-six-bytes",
        "length-prefix-over-2gb",
        "body-with-an-unused-code",
        "body-claiming-more-items-than-it-has",
        "body-that-is-not-an-array",
    };

    public async Task InitializeAsync() => _server = await LiveSyncTestServer.StartAsync(configure: o => o.MaxOpBytes = MaxOpBytes);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task A_connection_sending_garbage_is_closed_and_the_others_carry_on(string garbage)
    {
        const string doc = "garbage-neighbours";
        await using var json = await _server.ConnectAsync("json-neighbour");
        await using var binary = new HubConnectionBuilder()
            .AddLiveSyncMessagePackProtocol()
            .WithLiveSyncWebSockets(_server.HubUri("binary-neighbour"))
            .Build();
        await binary.StartAsync().Within();
        var seenByBinary = OpsSeen(binary);
        var seenByJson = OpsSeen(json);
        await json.InvokeAsync<JsonElement>("Open", doc, null).Within();
        await binary.InvokeAsync<JsonElement>("Open", doc, null).Within();
        Assert.Equal(1, await LiveSyncHubTests.SubmitAsync(json, doc, "json-neighbour", 1, 0, create: ("text", "")));

        using var socket = await HandshakeAsync("garbage-sender-01");
        await SendAsync(socket, Build(garbage));
        var closeMessages = await ReadUntilClosedAsync(socket);

        // Closed cleanly: the server said why in a SignalR Close message, then closed the WebSocket properly.
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal(1, closeMessages);

        // The neighbours never noticed: both stay connected, and edits still flow both ways between them.
        Assert.Equal(HubConnectionState.Connected, json.State);
        Assert.Equal(HubConnectionState.Connected, binary.State);
        Assert.Equal(2, await LiveSyncHubTests.SubmitAsync(json, doc, "json-neighbour", 2, 1, op: "[\"from json\"]"));
        Assert.Equal(3, await LiveSyncHubTests.SubmitAsync(binary, doc, "binary-neighbour", 1, 2, op: "[9, \" and binary\"]"));
        await seenByBinary(3).Within();
        await seenByJson(3).Within();
        var snapshot = await binary.InvokeAsync<JsonElement>("Snapshot", doc, null).Within();
        Assert.Equal("from json and binary", snapshot.GetProperty("data").GetString());

        // And the server still takes new connections.
        using var again = await HandshakeAsync("garbage-sender-01");
        await again.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Bounded.Default);
    }

    private static byte[] Build(string garbage)
    {
        switch (garbage)
        {
            case "random-bytes":
                // Seeded, so a failure replays: 64 KiB of noise, far over the receive limit, so it cannot merely
                // leave the server waiting for the rest of a frame.
                const int seed = 5_2025;
                var random = new Random(seed);
                var noise = new byte[64 * 1024];
                random.NextBytes(noise);
                return noise;
            case "length-prefix-over-the-receive-limit":
                // Claims 2 GB - 1; the server must give up once it holds more than its limit, not wait for 2 GB.
                return [0xff, 0xff, 0xff, 0xff, 0x07, .. new byte[ReceiveLimit + 1024]];
            case "length-prefix-of-six-bytes":
                return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
            case "length-prefix-over-2gb":
                return [0xff, 0xff, 0xff, 0xff, 0x7f, 0x00];
            case "body-with-an-unused-code":
                return [0x03, 0x93, 0xc1, 0x00];
            case "body-claiming-more-items-than-it-has":
                return [0x02, 0x9f, 0x01];
            default:
                return [0x05, 0xa4, .. "ping"u8];
        }
    }

    private static Func<long, Task> OpsSeen(HubConnection connection)
    {
        var versions = new List<long>();
        var changed = new SemaphoreSlim(0);
        connection.On<string, JsonElement>("op", (_, op) =>
        {
            lock (versions)
            {
                versions.Add(op.GetProperty("v").GetInt64());
            }

            changed.Release();
        });
        return async v =>
        {
            while (true)
            {
                lock (versions)
                {
                    if (versions.Contains(v))
                    {
                        return;
                    }
                }

                await changed.WaitAsync(Bounded.Default);
            }
        };
    }

    private async Task<ClientWebSocket> HandshakeAsync(string clientId)
    {
        var socket = new ClientWebSocket();
        var url = new UriBuilder(_server.HubUri(clientId)) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Bounded.Default);
        await SendAsync(socket, [.. "{\"protocol\":\"messagepack\",\"version\":1}"u8, 0x1e]);

        var response = new ArrayBufferWriter<byte>();
        while (response.WrittenCount == 0 || response.WrittenSpan[^1] != 0x1e)
        {
            var result = await socket.ReceiveAsync(response.GetMemory(256), CancellationToken.None).AsTask().WaitAsync(Bounded.Default);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            response.Advance(result.Count);
        }

        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(response.WrittenSpan));
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, byte[] bytes) =>
        socket.SendAsync(bytes.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask().WaitAsync(Bounded.Default);

    /// <summary>Reads frames until the server's close arrives (answering it), and counts the SignalR Close messages among them.</summary>
    private static async Task<int> ReadUntilClosedAsync(ClientWebSocket socket)
    {
        var received = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(received.GetMemory(4096), CancellationToken.None).AsTask().WaitAsync(Bounded.Default);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            received.Advance(result.Count);
        }

        // The server closed its side; the state reaches Closed once ours has gone too.
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(Bounded.Default);
        return CountCloseMessages(received.WrittenMemory);
    }

    private static int CountCloseMessages(ReadOnlyMemory<byte> frames)
    {
        const int closeMessageType = 7;
        var count = 0;
        while (!frames.IsEmpty)
        {
            // VarInt length prefix, then one MessagePack array: [type, ...].
            int length = 0, shift = 0, i = 0;
            byte current;
            do
            {
                current = frames.Span[i++];
                length |= (current & 0x7f) << shift;
                shift += 7;
            }
            while ((current & 0x80) != 0);

            var reader = new MessagePackReader(frames.Slice(i, length));
            reader.ReadArrayHeader();
            if (reader.ReadInt32() == closeMessageType)
            {
                count++;
            }

            frames = frames[(i + length)..];
        }

        return count;
    }
}
