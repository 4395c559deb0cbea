using System.Buffers;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.MessagePack;
using static LiveSync.Protocol.Tests.MessagePack.MessagePackTestBytes;

namespace LiveSync.Protocol.Tests.MessagePack;

public sealed class MessagePackJsonTests
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void A_text_op_has_the_expected_bytes_and_round_trips()
    {
        using var op = JsonDocument.Parse("""[3, "héllo👋", {"d": 2}]""");
        var bytes = Write(w => MessagePackJson.WriteJsonElement(w, op.RootElement));
        Assert.Equal("9303aa68c3a96c6c6ff09f918b81a16402", ToHex(bytes));

        var reader = new MessagePackReader(bytes);
        var back = MessagePackJson.ReadJsonElement(ref reader);
        Assert.True(reader.End);
        Assert.True(JsonElement.DeepEquals(op.RootElement, back));
        Assert.Equal("héllo👋", back[1].GetString());
    }

    [Theory]
    [InlineData("""[3,"héllo👋",{"d":2}]""")]
    [InlineData("""[{"d":"text"},5,"\"quoted\" \\ back\nline\u0001"]""")]
    [InlineData("""{"p":["a",0,"b"],"oi":{"nested":[[],{},[null,true,false]]},"ld":-1.5}""")]
    [InlineData("""{"big":18446744073709551615,"min":-9223372036854775808,"max":9223372036854775807,"float":1.25E+300,"tiny":5E-324,"zero":0,"neg":-32,"neg2":-33}""")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("0.1")]
    [InlineData("""{"ключ":"значение","emoji🙂":"🙂","":""}""")]
    public void Json_round_trips_through_MessagePack(string json)
    {
        using var document = JsonDocument.Parse(json);
        var bytes = Write(w => MessagePackJson.WriteJsonElement(w, document.RootElement));
        var reader = new MessagePackReader(bytes);
        var back = MessagePackJson.ReadJsonElement(ref reader);
        Assert.True(reader.End);
        Assert.True(JsonElement.DeepEquals(document.RootElement, back), $"{json} came back as {back.GetRawText()}");

        // The text form and the JsonElement form write the same bytes.
        Assert.Equal(bytes, Write(w => MessagePackJson.WriteJson(w, Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Integers_become_ints_and_other_numbers_float64()
    {
        Assert.Equal("93 01 cb3ff0000000000000 cb3ff8000000000000".Replace(" ", string.Empty, StringComparison.Ordinal), ToHex(Write(w => MessagePackJson.WriteJson(w, "[1, 1.0, 1.5]"u8))));
        Assert.Equal("cd0100", ToHex(Write(w => MessagePackJson.WriteJson(w, "256"u8))));
        Assert.Equal("d0df", ToHex(Write(w => MessagePackJson.WriteJson(w, "-33"u8))));

        // 1.0 reads back as 1: the same number.
        var reader = new MessagePackReader(Hex("cb3ff0000000000000"));
        Assert.Equal("1", MessagePackJson.ReadJsonElement(ref reader).GetRawText());
    }

    [Fact]
    public void Long_json_goes_through_the_larger_map_and_array_formats()
    {
        var json = "{" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"k{i}\":[" + string.Join(",", Enumerable.Range(0, i)) + "]")) + "}";
        using var document = JsonDocument.Parse(json);
        var bytes = Write(w => MessagePackJson.WriteJsonElement(w, document.RootElement));
        Assert.Equal(0xde, bytes[0]);
        var reader = new MessagePackReader(bytes);
        Assert.True(JsonElement.DeepEquals(document.RootElement, MessagePackJson.ReadJsonElement(ref reader)));
    }

    [Fact]
    public void MessagePack_only_values_have_a_json_form()
    {
        var bytes = Write(w =>
        {
            w.WriteMapHeader(4);
            w.WriteString("bin");
            w.WriteBinary([1, 2, 3]);
            w.WriteString("time");
            w.WriteTimestamp(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));
            w.WriteInt64(7);
            w.WriteSingle(0.1f);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteNil();
        });
        var reader = new MessagePackReader(bytes);
        Assert.Equal(
            """{"bin":"AQID","time":"2025-01-02T03:04:05Z","7":0.1,"18446744073709551615":null}""",
            MessagePackJson.ReadJsonElement(ref reader).GetRawText());
    }

    [Theory]
    [InlineData("cb7ff8000000000000")]   // NaN
    [InlineData("ca7f800000")]           // +infinity
    [InlineData("d40501")]               // an extension other than the timestamp
    [InlineData("81c001")]               // a nil key
    [InlineData("81c3c0")]               // a boolean key
    [InlineData("a1ff")]                 // not UTF-8
    public void Values_without_a_json_form_are_InvalidDataException(string hex)
    {
        Assert.Throws<InvalidDataException>(() => ReadJsonElement(Hex(hex)));
    }

    [Fact]
    public void A_lone_surrogate_escape_cannot_be_written_as_utf8()
    {
        using var document = JsonDocument.Parse("""["\ud800"]""");
        Assert.Throws<InvalidDataException>(() => Write(w => MessagePackJson.WriteJsonElement(w, document.RootElement)));
    }

    [Fact]
    public void Records_serialize_camelCase_and_skip_nulls()
    {
        var op = new SequencedOp
        {
            V = 7,
            ClientId = "client-1",
            Seq = 3,
            Op = JsonDocument.Parse("""[1,"x"]""").RootElement,
            Ts = 1_700_000_000_000,
        };
        var bytes = Write(w => MessagePackJson.Serialize(w, op, typeof(SequencedOp), s_web));
        var reader = new MessagePackReader(bytes);
        Assert.Equal(
            """{"v":7,"clientId":"client-1","seq":3,"op":[1,"x"],"ts":1700000000000}""",
            MessagePackJson.ReadJsonElement(ref reader).GetRawText());

        var again = new MessagePackReader(bytes);
        var back = (SequencedOp)MessagePackJson.Deserialize(ref again, typeof(SequencedOp), s_web)!;
        Assert.Equal(op.V, back.V);
        Assert.Equal(op.ClientId, back.ClientId);
        Assert.Equal("""[1,"x"]""", back.Op!.Value.GetRawText());
        Assert.Null(back.Create);
    }

    [Fact]
    public void Strings_split_across_segments_convert()
    {
        var text = string.Concat(Enumerable.Repeat("héllo👋", 50));
        var bytes = Write(w =>
        {
            w.WriteArrayHeader(2);
            w.WriteString(text);
            w.WriteBinary(new byte[100]);
        });
        var reader = new MessagePackReader(Segmented(bytes, 5));
        var element = MessagePackJson.ReadJsonElement(ref reader);
        Assert.Equal(text, element[0].GetString());
        Assert.Equal(new byte[100], element[1].GetBytesFromBase64());
    }

    [Fact]
    public void An_undefined_element_is_nil()
    {
        Assert.Equal("c0", ToHex(Write(w => MessagePackJson.WriteJsonElement(w, default))));
    }

    private static JsonElement ReadJsonElement(byte[] bytes)
    {
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(bytes));
        return MessagePackJson.ReadJsonElement(ref reader);
    }
}
