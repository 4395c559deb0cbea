using BenchmarkDotNet.Attributes;
using LiveSync.Protocol.Ot;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// The text type on the load tool's workload: a document near 4 KB, ops that insert an 8-character token (and, once
/// capped, delete 8 characters), concurrent ops transformed past each other.
/// </summary>
[MemoryDiagnoser]
public class TextOtBenchmarks
{
    private string _document = null!;
    private TextOp _insert = null!;
    private TextOp _replace = null!;
    private TextOp _concurrent = null!;
    private TextOp _emoji = null!;
    private string _emojiDocument = null!;

    [GlobalSetup]
    public void Setup()
    {
        _document = new string('.', 4096);
        _insert = TextOp.Insert(2048, "00a0001z");
        _replace = TextType.Instance.Compose(TextOp.Delete(1500, 8), TextOp.Insert(1500, "00b0002y"));
        _concurrent = TextType.Instance.Compose(TextOp.Delete(1000, 8), TextOp.Insert(1000, "00c0003x"));
        _emojiDocument = string.Concat(Enumerable.Repeat("ab👋", 1024));
        _emoji = TextOp.Insert(2500, "00d0004w");
    }

    /// <summary>Apply an insert to a 4 KB document (one pass to check, one copy to build).</summary>
    [Benchmark]
    public string Apply_insert_4KB() => TextType.Instance.Apply(_document, _insert);

    /// <summary>Apply a delete 8 + insert 8 to a 4 KB document.</summary>
    [Benchmark]
    public string Apply_replace_4KB() => TextType.Instance.Apply(_document, _replace);

    /// <summary>Apply an insert to a 4 KB document with a surrogate pair every 4 chars (code-point positions).</summary>
    [Benchmark]
    public string Apply_insert_4KB_emoji() => TextType.Instance.Apply(_emojiDocument, _emoji);

    /// <summary>Transform an insert past a concurrent delete + insert, as the sequencer does for a stale op.</summary>
    [Benchmark]
    public TextOp Transform_insert_past_replace() => TextType.Instance.Transform(_insert, _concurrent, TransformSide.Left);

    /// <summary>Transform a delete + insert past a concurrent insert.</summary>
    [Benchmark]
    public TextOp Transform_replace_past_insert() => TextType.Instance.Transform(_replace, _insert, TransformSide.Left);

    /// <summary>Compose two consecutive ops.</summary>
    [Benchmark]
    public TextOp Compose_insert_then_replace() => TextType.Instance.Compose(_insert, _replace);

    /// <summary>The document's size in code points (checked after every op).</summary>
    [Benchmark]
    public long Size_4KB() => TextType.Instance.Size(_document);
}
