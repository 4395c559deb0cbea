using System.Text.Json;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR.Protocol;
using static LiveSync.SignalR.MessagePack.Tests.Frames;

namespace LiveSync.SignalR.MessagePack.Tests;

/// <summary>
/// Frames written by the official JavaScript client's MessagePack protocol (see vectors/generate.mjs), read by
/// this protocol and, where the .NET protocol writes the same layout, matched byte for byte by its writer.
/// </summary>
public sealed class JsClientVectorTests
{
    private static readonly Dictionary<string, string> s_vectors = LoadVectors();

    private static readonly TestBinder s_binder = new(
        parameters: new()
        {
            ["Submit"] = [typeof(string), typeof(Submission)],
            ["Send"] = [typeof(int), typeof(string)],
            ["method"] = [typeof(int)],
            ["op"] = [typeof(string), typeof(SequencedOp)],
            ["Numbers"] = [typeof(JsonElement)],
            ["Big"] = [typeof(int[]), typeof(Dictionary<string, int>)],
            ["Bytes"] = [typeof(byte[])],
        },
        returns: new() { ["1"] = typeof(JsonElement), ["xyz"] = typeof(int) },
        streamItems: new() { ["xyz"] = typeof(JsonElement) });

    private static readonly JsonElement s_op = JsonElement.Parse("""[3,"héllo👋",{"d":2}]""");

    [Fact]
    public void Submit_as_the_js_client_sends_it()
    {
        var message = Assert.IsType<InvocationMessage>(ParseFrame(Vector("submitInvocation"), s_binder));
        Assert.Equal("1", message.InvocationId);
        Assert.Equal("Submit", message.Target);
        Assert.Null(message.StreamIds);
        Assert.Equal("doc-1", message.Arguments[0]);
        var submission = Assert.IsType<Submission>(message.Arguments[1]);
        Assert.Equal("client-1", submission.ClientId);
        Assert.Equal(1, submission.Seq);
        Assert.Equal(0, submission.V);
        Assert.True(JsonElement.DeepEquals(s_op, submission.Op!.Value));
        Assert.Equal("héllo👋", submission.Op!.Value[1].GetString());
    }

    [Fact]
    public void Op_broadcast_matches_byte_for_byte()
    {
        var op = new SequencedOp { V = 4, ClientId = "client-1", Seq = 2, Op = s_op, Ts = 1_700_000_000_000 };
        AssertSameBytes("opBroadcast", new InvocationMessage("op", ["doc-1", op]));

        var parsed = Assert.IsType<InvocationMessage>(ParseFrame(Vector("opBroadcast"), s_binder));
        Assert.Equal(op with { Op = null }, Assert.IsType<SequencedOp>(parsed.Arguments[1]) with { Op = null });
    }

    [Fact]
    public void Numbers_and_strings_at_format_boundaries_match_byte_for_byte()
    {
        object[] values =
        [
            0, 127, 128, 255, 256, 65535, 65536, 4294967295L, 4294967296L, -1, -32, -33, -128, -129, -32768, -32769,
            -2147483648, -2147483649L, 1.5, -0.25, new string('x', 31), new string('y', 32), new string('z', 256),
        ];
        AssertSameBytes("boundaries", new InvocationMessage("Numbers", [values]));

        var parsed = Assert.IsType<InvocationMessage>(ParseFrame(Vector("boundaries"), s_binder));
        Assert.Equal(JsonSerializer.Serialize(values), ((JsonElement)parsed.Arguments[0]!).GetRawText());
    }

    [Fact]
    public void Sixteen_item_array_and_map_match_byte_for_byte()
    {
        var array = Enumerable.Range(0, 16).ToArray();
        var map = Enumerable.Range(0, 16).ToDictionary(i => $"k{i}", i => i);
        AssertSameBytes("bigContainers", new InvocationMessage("Big", [array, map]));

        var parsed = Assert.IsType<InvocationMessage>(ParseFrame(Vector("bigContainers"), s_binder));
        Assert.Equal(array, parsed.Arguments[0]);
        Assert.Equal(map, parsed.Arguments[1]);
    }

    [Fact]
    public void Binary_matches_byte_for_byte()
    {
        AssertSameBytes("binary", new InvocationMessage("Bytes", [new byte[] { 1, 2, 3 }]));
        var parsed = Assert.IsType<InvocationMessage>(ParseFrame(Vector("binary"), s_binder));
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Arguments[0]);
    }

    [Fact]
    public void Other_messages_match_byte_for_byte()
    {
        AssertSameBytes("nonBlockingWithStreamIds", new InvocationMessage(null, "Send", [42, "Test Message"], ["1"]));
        AssertSameBytes("invocationWithHeaders", new InvocationMessage("xyz", "method", [42]) { Headers = new Dictionary<string, string> { ["x"] = "y", ["z"] = "z" } });
        AssertSameBytes("streamInvocation", new StreamInvocationMessage("xyz", "method", [42]));
        AssertSameBytes("streamItem", new StreamItemMessage("xyz", JsonElement.Parse("""{"a":[1,2.5,-3,null,true,"s"]}""")));
        AssertSameBytes("completionResult", CompletionMessage.WithResult("1", new { v = 5 }));
        AssertSameBytes("completionError", CompletionMessage.WithError("xyz", "Error"));
        AssertSameBytes("completionVoid", CompletionMessage.Empty("xyz"));
        AssertSameBytes("cancelInvocation", new CancelInvocationMessage("xyz"));
        AssertSameBytes("ping", PingMessage.Instance);
        AssertSameBytes("ack", new AckMessage(1394));
        AssertSameBytes("sequence", new SequenceMessage(19));
    }

    [Fact]
    public void Every_vector_parses()
    {
        foreach (var (name, hex) in s_vectors)
        {
            var message = ParseFrame(Hex(hex), s_binder);
            Assert.False(message is InvocationBindingFailureMessage or StreamBindingFailureMessage, name);
        }

        // The JS client's Close is [7, nil]: no AllowReconnect item.
        Assert.Same(CloseMessage.Empty, ParseFrame(Vector("close"), s_binder));
        var item = Assert.IsType<StreamItemMessage>(ParseFrame(Vector("streamItem"), s_binder));
        Assert.Equal("""{"a":[1,2.5,-3,null,true,"s"]}""", ((JsonElement)item.Item!).GetRawText());
    }

    private static void AssertSameBytes(string name, HubMessage message)
    {
        var frame = Frames.Codec.GetMessageBytes(message).ToArray();
        Assert.True(ToHex(frame) == s_vectors[name], $"{name}\n js: {s_vectors[name]}\nnet: {ToHex(frame)}");
    }

    private static byte[] Vector(string name) => Hex(s_vectors[name]);

    private static Dictionary<string, string> LoadVectors()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "js-client-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("vectors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
