using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// The MessagePack codec on what the hub sends and receives most: a sequenced op (writing) and a submission's op
/// (reading), with the payload options the MessagePack hub protocol uses.
/// </summary>
[MemoryDiagnoser]
public class MessagePackBenchmarks
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        MaxDepth = 64,
    };

    private static readonly byte[] s_opJson = "[1500,{\"d\":8},\"00b0002y\"]"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private SequencedOp _op = null!;
    private byte[] _packedOp = null!;
    private byte[] _packedSequencedOp = null!;

    [GlobalSetup]
    public void Setup()
    {
        _op = new SequencedOp { V = 123456, ClientId = "client-0001abcd", Seq = 4242, Ts = 1_790_000_000_000, Op = JsonElement.Parse(s_opJson) };
        _buffer.ResetWrittenCount();
        MessagePackJson.WriteJson(new MessagePackWriter(_buffer), s_opJson);
        _packedOp = _buffer.WrittenSpan.ToArray();
        _buffer.ResetWrittenCount();
        MessagePackJson.Serialize(new MessagePackWriter(_buffer), _op, typeof(SequencedOp), s_options);
        _packedSequencedOp = _buffer.WrittenSpan.ToArray();
    }

    /// <summary>An op's JSON transcoded to MessagePack.</summary>
    [Benchmark]
    public int Write_op_json_to_msgpack()
    {
        _buffer.ResetWrittenCount();
        MessagePackJson.WriteJson(new MessagePackWriter(_buffer), s_opJson);
        return _buffer.WrittenCount;
    }

    /// <summary>A MessagePack op read as a JsonElement (a submission's op argument).</summary>
    [Benchmark]
    public JsonElement Read_op_msgpack_to_element()
    {
        var reader = new MessagePackReader(_packedOp);
        return MessagePackJson.ReadJsonElement(ref reader);
    }

    /// <summary>A sequenced op (the broadcast message's payload) serialized to MessagePack.</summary>
    [Benchmark]
    public int Serialize_sequenced_op()
    {
        _buffer.ResetWrittenCount();
        MessagePackJson.Serialize(new MessagePackWriter(_buffer), _op, typeof(SequencedOp), s_options);
        return _buffer.WrittenCount;
    }

    /// <summary>A sequenced op deserialized from MessagePack (what the .NET SDK does per op received).</summary>
    [Benchmark]
    public object? Deserialize_sequenced_op()
    {
        var reader = new MessagePackReader(_packedSequencedOp);
        return MessagePackJson.Deserialize(ref reader, typeof(SequencedOp), s_options);
    }
}
