using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LiveSync.Protocol.Ot;

namespace LiveSync.MicroBenchmarks;

/// <summary>A text op's wire JSON parsed into a <see cref="TextOp"/> and written back, as every submission is.</summary>
[MemoryDiagnoser]
public class JsonOpBenchmarks
{
    private static readonly byte[] s_insertJson = "[2048,\"00a0001z\"]"u8.ToArray();
    private static readonly byte[] s_replaceJson = "[1500,{\"d\":8},\"00b0002y\"]"u8.ToArray();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter _writer = null!;
    private TextOp _replace = null!;
    private JsonElement _replaceElement;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new Utf8JsonWriter(_buffer);
        _replaceElement = JsonElement.Parse(s_replaceJson);
        _replace = TextOp.Parse(_replaceElement);
    }

    /// <summary>Bytes to a JsonElement to a TextOp: what a JSON submission costs to read.</summary>
    [Benchmark]
    public TextOp Parse_insert_from_bytes() => TextOp.Parse(JsonElement.Parse(s_insertJson));

    /// <summary>Bytes to a JsonElement to a TextOp for a delete + insert.</summary>
    [Benchmark]
    public TextOp Parse_replace_from_bytes() => TextOp.Parse(JsonElement.Parse(s_replaceJson));

    /// <summary>An already parsed JsonElement to a TextOp (the hub hands the sequencer a JsonElement).</summary>
    [Benchmark]
    public TextOp Parse_replace_from_element() => TextOp.Parse(_replaceElement);

    /// <summary>Writing an op's JSON into a reused buffer and writer.</summary>
    [Benchmark]
    public int Write_replace_reused_writer()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        TextType.Instance.Write(_writer, _replace);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
