using BenchmarkDotNet.Attributes;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// One edit (an 8-character insert in the middle) of a text document as the server holds it (<see cref="ChunkedText"/>)
/// and as a plain string (<see cref="TextType"/>), for documents of 4 KB (the capped workload), 100 KB (scenario (c)
/// after a few seconds) and 1 MB.
/// </summary>
[MemoryDiagnoser]
public class ChunkedTextBenchmarks
{
    private string _string = null!;
    private ChunkedText _chunked = null!;
    private TextOp _insert = null!;

    /// <summary>The document's length in chars.</summary>
    [Params(4 * 1024, 100 * 1024, 1024 * 1024)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _string = new string('.', Length);
        _chunked = ChunkedText.From(_string);
        _insert = TextOp.Insert(Length / 2, "00a0001z");
    }

    /// <summary>The string: checked in one pass, then copied whole.</summary>
    [Benchmark(Baseline = true)]
    public string Apply_string() => TextType.Instance.Apply(_string, _insert);

    /// <summary>The chunks: the touched chunk copied, the others shared.</summary>
    [Benchmark]
    public ChunkedText Apply_chunked() => _chunked.Apply(_insert);
}
