using System.Buffers;
using System.Text;
using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespParserTests
{
    private const string Replies =
        "+OK\r\n-ERR bad thing\r\n:-42\r\n$5\r\nhe\r\nl\r\n$-1\r\n*-1\r\n*0\r\n$0\r\n\r\n" +
        "*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n:7\r\n";

    [Fact]
    public void Parses_every_type_in_one_buffer()
    {
        var values = ParseAll(Split(Encoding.UTF8.GetBytes(Replies), [Replies.Length]));
        Assert.Equal(
            ["OK", "(error) ERR bad thing", "-42", "\"he\r\nl\"", "(nil)", "(nil)", "[]", "\"\"", "[[\"1-0\", [\"f\", \"v\"]], 7]"],
            values.Select(v => v.ToString()));
        Assert.Equal(RespType.Error, values[1].Type);
        Assert.Equal(-42, values[2].AsInt64());
        Assert.True(values[4].IsNull && values[4].Type == RespType.BulkString);
        Assert.True(values[5].IsNull && values[5].Type == RespType.Array);
    }

    [Fact]
    public void Parses_the_same_when_split_at_every_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Replies);
        var whole = ParseAll(Split(bytes, [bytes.Length])).Select(v => v.ToString()).ToArray();
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            // Feed the first part alone, as a partial read would, then the whole split across two segments.
            var partial = Split(bytes[..cut], [cut]);
            var parsedEarly = ParseAll(partial, allowRemainder: true).Count;
            Assert.True(parsedEarly <= whole.Length);
            Assert.Equal(whole, ParseAll(Split(bytes, [cut, bytes.Length - cut])).Select(v => v.ToString()));
        }
    }

    [Fact]
    public void Rejects_garbage()
    {
        var sequence = new ReadOnlySequence<byte>("?what\r\n"u8.ToArray());
        Assert.Throws<RedisConnectionException>(() => RespParser.TryRead(ref sequence, out _));
        sequence = new ReadOnlySequence<byte>("$abc\r\n"u8.ToArray());
        Assert.Throws<RedisConnectionException>(() => RespParser.TryRead(ref sequence, out _));
    }

    [Fact]
    public void Commands_are_written_as_arrays_of_bulk_strings()
    {
        var output = new RespOutputBuffer();
        RespCommandWriter.Write(output, ["SET", "k€", -12L, new byte[] { 0, 13, 10 }]);
        Assert.Equal("*4\r\n$3\r\nSET\r\n$4\r\nk€\r\n$3\r\n-12\r\n$3\r\n\0\r\n\r\n", Encoding.UTF8.GetString(output.WrittenMemory.Span));
        output.Release();
    }

    private static List<RespValue> ParseAll(ReadOnlySequence<byte> buffer, bool allowRemainder = false)
    {
        var values = new List<RespValue>();
        while (RespParser.TryRead(ref buffer, out var value))
        {
            values.Add(value);
        }

        if (!allowRemainder)
        {
            Assert.Equal(0, buffer.Length);
        }

        return values;
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int[] sizes)
    {
        Segment? first = null;
        Segment? last = null;
        var offset = 0;
        foreach (var size in sizes)
        {
            var segment = new Segment(bytes.AsMemory(offset, size), last);
            first ??= segment;
            last = segment;
            offset += size;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
