using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;
using LiveSync.SignalR.MessagePack.Formatters;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using static LiveSync.SignalR.MessagePack.Tests.Frames;

namespace LiveSync.SignalR.MessagePack.Tests.Formatters;

/// <summary>
/// The direct formatters against the JSON form they replace: the same bytes for every message type, and the same
/// values read back.
/// </summary>
public sealed class LiveSyncFormattersTests
{
    private static readonly JsonSerializerOptions s_options = MessagePackHubProtocolOptions.CreateDefaultSerializerOptions();

    private static readonly MessagePackHubProtocol s_jsonPath =
        new(Options.Create(new MessagePackHubProtocolOptions()), directFormatters: false);

    private static readonly MessagePackHubProtocol s_direct =
        new(Options.Create(new MessagePackHubProtocolOptions()), directFormatters: true);

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    private static SequencedOp TextOp => new()
    {
        V = 42, ClientId = "k2H9xQ_7ab", Seq = 17, Op = Json("""[12,"héllo👋",{"d":2}]"""), Ts = 1_750_000_000_000,
    };

    /// <summary>Sample values of every type with a formatter, over the shapes each can take.</summary>
    public static TheoryData<string, object> Samples() => new()
    {
        { "op text", TextOp },
        { "op create text", new SequencedOp { V = 1, ClientId = "c", Seq = 1, Create = new CreateSpec("text", Json("\"hello\"")), Ts = 0 } },
        { "op create no data", new SequencedOp { V = 1, ClientId = "c", Seq = 1, Create = new CreateSpec("json"), Ts = -1 } },
        { "op create null data", new SequencedOp { V = 1, ClientId = "c", Seq = 1, Create = new CreateSpec("opaque", Json("null")), Ts = 5 } },
        { "op del", new SequencedOp { V = 300, ClientId = "c", Seq = 65_536, Del = true, Ts = 1 } },
        { "op del false", new SequencedOp { V = 3, ClientId = "c", Seq = 2, Del = false, Ts = 1 } },
        { "op null value", new SequencedOp { V = 3, ClientId = "c", Seq = 2, Op = Json("null"), Ts = 1 } },
        { "op everything", new SequencedOp { V = long.MaxValue, ClientId = "c", Seq = long.MinValue, Op = Json("1"), Create = new CreateSpec("text"), Del = true, Ts = int.MinValue } },
        {
            "op numbers and escapes",
            new SequencedOp
            {
                V = 255, ClientId = new string('x', 40), Seq = 256,
                Op = Json("""{"p":[0,"k"],"oi":[1.5,-0.25,1e300,18446744073709551615,-9223372036854775808,"a\"b\\c\u0000\u00e9\ud83d\ude00",true,false,null,{},[]]}"""),
                Ts = 4_294_967_296,
            }
        },
        { "op long strings", new SequencedOp { V = 2, ClientId = new string('é', 200), Seq = 3, Op = Json($"[\"{new string('z', 70_000)}\"]"), Ts = 7 } },
        { "submit result", new SubmitResult(0) },
        { "submit result big", new SubmitResult(long.MinValue) },
        { "who am i", new WhoAmIResult("k2H9xQ_7ab") },
        { "who am i unicode", new WhoAmIResult("ü\"\\\n👋") },
        { "snapshot text", new Snapshot("notes:2025-06", "text", 9, Json("\"hello\"")) },
        { "snapshot missing", new Snapshot("d", null, 0, Json("null")) },
        { "snapshot json", new Snapshot("d", "json", 70_000, Json("""{"a":[1,2,{"b":null}],"c":"d"}""")) },
        {
            "open data",
            new OpenResult
            {
                DocId = "d", Type = "text", V = 4, Data = Json("\"abc\""),
                Presence = new Dictionary<string, JsonElement> { ["a"] = Json("""{"cursor":3}"""), ["b"] = Json("null") },
            }
        },
        {
            "open ops",
            new OpenResult
            {
                DocId = "d", Type = "text", V = 43, Ops = [TextOp, new SequencedOp { V = 43, ClientId = "c", Seq = 1, Del = true, Ts = 2 }],
                Presence = new Dictionary<string, JsonElement>(),
            }
        },
        {
            "open missing null data",
            new OpenResult { DocId = "d", Type = null, V = 0, Data = Json("null"), Ops = [], Presence = ManyPresences(20) }
        },
        { "submission op", new Submission { ClientId = "c", Seq = 1, V = 0, Op = Json("[1,\"x\"]") } },
        { "submission create", new Submission { ClientId = "c", Seq = 2, V = 0, Create = new CreateSpec("text", Json("\"\"")) } },
        { "submission del", new Submission { ClientId = "c", Seq = 3, V = 5, Del = true } },
        { "submission everything", new Submission { ClientId = "c", Seq = 3, V = 5, Op = Json("{}"), Create = new CreateSpec("json", Json("{}")), Del = false } },
        { "create spec", new CreateSpec("text", Json("\"x\"")) },
        { "op array", new[] { TextOp, TextOp } },
        { "op list", new List<SequencedOp> { TextOp } },
        { "op empty list", new List<SequencedOp>() },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_value_is_written_in_the_bytes_of_its_json_form(string name, object value)
    {
        var viaJson = new ArrayBufferWriter<byte>();
        MessagePackJson.Serialize(new MessagePackWriter(viaJson), value, value.GetType(), s_options);
        var direct = new ArrayBufferWriter<byte>();
        Assert.True(LiveSyncFormatters.TryWrite(new MessagePackWriter(direct), value), name);
        Assert.Equal(ToHex(viaJson.WrittenSpan), ToHex(direct.WrittenSpan));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Messages_carrying_a_value_are_the_same_frames_both_ways(string name, object value)
    {
        Assert.True(s_direct.UsesDirectFormatters);
        Assert.False(s_jsonPath.UsesDirectFormatters);
        HubMessage[] messages =
        [
            new InvocationMessage("op", ["notes:2025-06", value]),
            new InvocationMessage("i7", "Submit", ["d", value]),
            CompletionMessage.WithResult("12", value),
            new StreamItemMessage("s1", value),
        ];
        foreach (var message in messages)
        {
            Assert.Equal(ToHex(s_jsonPath.GetMessageBytes(message).Span), ToHex(s_direct.GetMessageBytes(message).Span));
        }

        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_value_reads_back_as_its_json_form_reads_it(string name, object value)
    {
        var packed = new ArrayBufferWriter<byte>();
        Assert.True(LiveSyncFormatters.TryWrite(new MessagePackWriter(packed), value), name);
        var type = value is List<SequencedOp> ? typeof(IReadOnlyList<SequencedOp>) : value.GetType();
        var (direct, viaJson) = ReadBothWays(packed.WrittenMemory, type);

        Assert.Equal(viaJson!.GetType(), direct!.GetType());
        Assert.Equal(JsonSerializer.Serialize(viaJson, s_options), JsonSerializer.Serialize(direct, s_options));

        // Written again, the value read gives the bytes it was read from, but for an optional property holding a
        // JSON null: that reads as absent (both ways), so it is left out when written again.
        var again = new ArrayBufferWriter<byte>();
        Assert.True(LiveSyncFormatters.TryWrite(new MessagePackWriter(again), direct));
        var expected = new ArrayBufferWriter<byte>();
        MessagePackJson.Serialize(new MessagePackWriter(expected), viaJson, viaJson.GetType(), s_options);
        Assert.Equal(ToHex(expected.WrittenSpan), ToHex(again.WrittenSpan));
        if (!name.Contains("null", StringComparison.Ordinal))
        {
            Assert.Equal(ToHex(packed.WrittenSpan), ToHex(again.WrittenSpan));
        }
    }

    [Theory]
    [InlineData("c0", typeof(SequencedOp))]                                      // nil
    [InlineData("c0", typeof(SequencedOp[]))]
    [InlineData("c0", typeof(IReadOnlyList<SequencedOp>))]
    [InlineData("c0", typeof(OpenResult))]
    [InlineData("85 a1 56 01 a8 434c49454e544944 a1 63 a3 536571 02 a2 5453 03 a2 6f70 91 01", typeof(SequencedOp))] // keys in another case
    [InlineData("86 a1 76 01 a8 636c69656e744964 a1 63 a3 736571 02 a2 7473 03 a1 78 92 01 02 07 c3", typeof(SequencedOp))] // unknown keys, integer key
    [InlineData("87 a1 76 01 a8 636c69656e744964 c0 a3 736571 02 a2 7473 03 a2 6f70 c0 a6 637265617465 c0 a3 64656c c0", typeof(SequencedOp))] // nils for optionals
    [InlineData("84 a1 76 cb 4000000000000000 a8 636c69656e744964 a1 63 a3 736571 ca 40400000 a2 7473 03", typeof(SequencedOp))] // whole floats
    [InlineData("85 a1 76 01 a8 636c69656e744964 a1 63 a3 736571 02 a2 7473 03 a1 76 05", typeof(SequencedOp))] // a duplicate key: the last wins
    [InlineData("91 84 a1 76 01 a8 636c69656e744964 a1 63 a3 736571 02 a2 7473 03", typeof(SequencedOp[]))]
    [InlineData("90", typeof(SequencedOp[]))]
    [InlineData("92 c0 84 a1 76 01 a8 636c69656e744964 a1 63 a3 736571 02 a2 7473 03", typeof(IReadOnlyList<SequencedOp>))]
    [InlineData("80", typeof(SubmitResult))]                                     // constructor parameters may be missing
    [InlineData("80", typeof(WhoAmIResult))]
    [InlineData("81 a4 64617461 c0", typeof(Snapshot))]
    [InlineData("81 a4 74797065 a4 74657874", typeof(CreateSpec))]
    [InlineData("85 a5 646f634964 a1 64 a4 74797065 c0 a1 76 00 a3 6f7073 c0 a8 70726573656e6365 83 01 c0 a1 61 c3 a1 61 c2", typeof(OpenResult))] // integer and duplicate presence keys
    [InlineData("84 a5 646f634964 a1 64 a4 74797065 c0 a1 76 00 a8 70726573656e6365 c0", typeof(OpenResult))]
    [InlineData("83 a8 636c69656e744964 a1 63 a3 736571 01 a1 76 00", typeof(Submission))]
    public void Edge_values_read_as_their_json_form_reads_them(string hex, Type type)
    {
        var (direct, viaJson) = ReadBothWays(Hex(hex), type);
        Assert.Equal(viaJson?.GetType(), direct?.GetType());
        Assert.Equal(JsonSerializer.Serialize(viaJson, s_options), JsonSerializer.Serialize(direct, s_options));
    }

    [Theory]
    [InlineData("83 a1 76 01 a8 636c69656e744964 a1 63 a3 736571 02", typeof(SequencedOp))]   // no ts
    [InlineData("82 a8 636c69656e744964 a1 63 a3 736571 01", typeof(Submission))]           // no v
    [InlineData("83 a5 646f634964 a1 64 a4 74797065 c0 a1 76 00", typeof(OpenResult))]       // no presence
    [InlineData("81 a1 76 c0", typeof(SubmitResult))]                                        // nil for a long
    [InlineData("81 a1 76 a1 31", typeof(SubmitResult))]                                     // a string for a long
    [InlineData("81 a1 76 cb 3ff8000000000000", typeof(SubmitResult))]                       // 1.5 for a long
    [InlineData("81 a1 76 cf ffffffffffffffff", typeof(SubmitResult))]                       // beyond a long
    [InlineData("81 a8 636c69656e744964 01", typeof(WhoAmIResult))]                          // a number for a string
    [InlineData("81 a8 636c69656e744964 a1 ff", typeof(WhoAmIResult))]                       // malformed UTF-8
    [InlineData("81 a2 ff76 01", typeof(SubmitResult))]                                      // a malformed key
    [InlineData("81 c0 01", typeof(SubmitResult))]                                           // a nil key
    [InlineData("91 01", typeof(SubmitResult))]                                              // an array for an object
    [InlineData("81 a3 64656c 01", typeof(Submission))]                                      // a number for a bool
    public void Values_the_json_form_rejects_are_rejected(string hex, Type type)
    {
        var bytes = Hex(hex);
        Assert.ThrowsAny<Exception>(() => ReadViaJson(bytes, type));
        Assert.Throws<InvalidDataException>(() => ReadDirect(bytes, type));
    }

    [Fact]
    public void A_lone_surrogate_is_written_as_the_json_form_writes_it()
    {
        var value = new WhoAmIResult("a\uD800b");
        var viaJson = new ArrayBufferWriter<byte>();
        MessagePackJson.Serialize(new MessagePackWriter(viaJson), value, value.GetType(), s_options);
        var direct = new ArrayBufferWriter<byte>();
        LiveSyncFormatters.TryWrite(new MessagePackWriter(direct), value);
        Assert.Equal(ToHex(viaJson.WrittenSpan), ToHex(direct.WrittenSpan));
    }

    [Fact]
    public void Other_types_are_left_to_the_json_form()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.False(LiveSyncFormatters.TryWrite(new MessagePackWriter(output), new ErrorBody("c", "m")));
        Assert.False(LiveSyncFormatters.TryWrite(new MessagePackWriter(output), new[] { 1 }));
        Assert.Equal(0, output.WrittenCount);

        var reader = new MessagePackReader(Hex("80"));
        Assert.False(LiveSyncFormatters.TryRead(ref reader, typeof(ErrorBody), out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void Options_that_change_the_json_form_turn_the_formatters_off()
    {
        Assert.True(LiveSyncFormatters.Supports(MessagePackHubProtocolOptions.CreateDefaultSerializerOptions()));

        Action<JsonSerializerOptions>[] changes =
        [
            o => o.PropertyNamingPolicy = null,
            o => o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            o => o.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase,
            o => o.PropertyNameCaseInsensitive = false,
            o => o.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()),
            o => o.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
            o => o.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.WriteAsString,
            o => o.RespectNullableAnnotations = true,
            o => o.MaxDepth = 8,
            o => o.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver { Modifiers = { _ => { } } },
        ];
        foreach (var change in changes)
        {
            var options = new MessagePackHubProtocolOptions();
            change(options.PayloadSerializerOptions);
            Assert.False(LiveSyncFormatters.Supports(options.PayloadSerializerOptions));
            Assert.False(new MessagePackHubProtocol(Options.Create(options)).UsesDirectFormatters);
        }

        Assert.True(Codec.UsesDirectFormatters);
    }

    private static Dictionary<string, JsonElement> ManyPresences(int count)
    {
        var presence = new Dictionary<string, JsonElement>();
        for (var i = 0; i < count; i++)
        {
            presence[$"client-{i}"] = Json($$"""{"cursor":{{i}}}""");
        }

        return presence;
    }

    private static (object? Direct, object? ViaJson) ReadBothWays(ReadOnlyMemory<byte> bytes, Type type) =>
        (ReadDirect(bytes, type), ReadViaJson(bytes, type));

    private static object? ReadDirect(ReadOnlyMemory<byte> bytes, Type type)
    {
        var reader = new MessagePackReader(bytes);
        Assert.True(LiveSyncFormatters.TryRead(ref reader, type, out var value));
        Assert.True(reader.End);
        return value;
    }

    private static object? ReadViaJson(ReadOnlyMemory<byte> bytes, Type type)
    {
        var reader = new MessagePackReader(bytes);
        var value = MessagePackJson.Deserialize(ref reader, type, s_options);
        Assert.True(reader.End);
        return value;
    }
}
