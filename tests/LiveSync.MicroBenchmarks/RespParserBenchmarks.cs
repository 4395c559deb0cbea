using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using LiveSync.Redis.Resp;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// The RESP parser on the replies the Redis op log reads most: a status, an integer, a bulk string, a stream range
/// (an array of entries, each an id and field/value pairs), and a reply split over two reads.
/// </summary>
[MemoryDiagnoser]
public class RespParserBenchmarks
{
    private static readonly byte[] s_ok = "+OK\r\n"u8.ToArray();
    private static readonly byte[] s_integer = ":1234567\r\n"u8.ToArray();
    private static readonly byte[] s_bulk = Encoding.ASCII.GetBytes("$40\r\n" + new string('x', 40) + "\r\n");
    private byte[] _streamRange = null!;
    private ReadOnlySequence<byte> _split;

    [GlobalSetup]
    public void Setup()
    {
        // XRANGE-like reply: 32 entries of [id, [f1, v1, ..., f6, v6]].
        var builder = new StringBuilder("*32\r\n");
        for (var i = 0; i < 32; i++)
        {
            var id = $"{1_790_000_000_000 + i}-0";
            builder.Append("*2\r\n$").Append(id.Length).Append("\r\n").Append(id).Append("\r\n*12\r\n");
            string[] fields = ["v", (1000 + i).ToString(), "c", "client-0001abcd", "s", (42 + i).ToString(), "b", (999 + i).ToString(), "t", "1790000000000", "p", "\u0001\u0000[1500,{\"d\":8},\"00b0002y\"]"];
            foreach (var field in fields)
            {
                builder.Append('$').Append(Encoding.UTF8.GetByteCount(field)).Append("\r\n").Append(field).Append("\r\n");
            }
        }

        _streamRange = Encoding.UTF8.GetBytes(builder.ToString());
        var half = _streamRange.Length / 2;
        _split = Segments.Create(_streamRange.AsMemory(0, half), _streamRange.AsMemory(half));
    }

    [Benchmark]
    public RespValue Status_OK() => Parse(new ReadOnlySequence<byte>(s_ok));

    [Benchmark]
    public RespValue Integer() => Parse(new ReadOnlySequence<byte>(s_integer));

    [Benchmark]
    public RespValue Bulk_40B() => Parse(new ReadOnlySequence<byte>(s_bulk));

    [Benchmark]
    public RespValue Stream_range_32_entries() => Parse(new ReadOnlySequence<byte>(_streamRange));

    [Benchmark]
    public RespValue Stream_range_32_entries_two_segments() => Parse(_split);

    /// <summary>The reply's first half only: the parser must say "not yet" without allocating.</summary>
    [Benchmark]
    public bool Stream_range_incomplete()
    {
        var buffer = new ReadOnlySequence<byte>(_streamRange, 0, _streamRange.Length / 2);
        return RespParser.TryRead(ref buffer, out _);
    }

    private static RespValue Parse(ReadOnlySequence<byte> buffer) =>
        RespParser.TryRead(ref buffer, out var value) ? value : throw new InvalidOperationException("incomplete reply");

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
        {
            var head = new Segments(first, 0);
            var tail = new Segments(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
