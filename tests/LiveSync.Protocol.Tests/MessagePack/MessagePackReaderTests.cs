using System.Buffers;
using LiveSync.Protocol.MessagePack;
using static LiveSync.Protocol.Tests.MessagePack.MessagePackTestBytes;

namespace LiveSync.Protocol.Tests.MessagePack;

public sealed class MessagePackReaderTests
{
    [Theory]
    [InlineData("cc01", 1L)]
    [InlineData("cd0001", 1L)]
    [InlineData("ce00000001", 1L)]
    [InlineData("cf0000000000000001", 1L)]
    [InlineData("d0ff", -1L)]
    [InlineData("d1ffff", -1L)]
    [InlineData("d2ffffffff", -1L)]
    [InlineData("d3ffffffffffffffff", -1L)]
    [InlineData("d07f", 127L)]
    public void Integers_in_longer_formats_than_needed_read_the_same(string hex, long expected)
    {
        var reader = new MessagePackReader(Hex(hex));
        Assert.Equal(expected, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void Narrower_reads_check_the_range()
    {
        Assert.Throws<InvalidDataException>(() => ReadInt32(Hex("ce80000000")));
        Assert.Throws<InvalidDataException>(() => ReadUInt64(Hex("ff")));
        Assert.Equal(int.MinValue, ReadInt32(Hex("d280000000")));
    }

    [Fact]
    public void ReadDouble_takes_integers_and_both_floats()
    {
        var reader = new MessagePackReader(Hex("05 ca3fc00000 cb3ff8000000000000 cfffffffffffffffff"));
        Assert.Equal(5.0, reader.ReadDouble());
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.Equal(18446744073709551615.0, reader.ReadDouble());
    }

    [Theory]
    [InlineData("")]            // nothing at all
    [InlineData("c1")]          // never used
    [InlineData("cd00")]        // uint16 cut short
    [InlineData("cb000000")]    // float64 cut short
    [InlineData("a5616263")]    // fixstr claims 5, has 3
    [InlineData("d9ff61")]      // str8 claims 255
    [InlineData("dbffffffff")]  // str32 claims 4 GB
    [InlineData("c6ffffffff00")] // bin32 claims 4 GB
    [InlineData("c9ffffffff05")] // ext32 claims 4 GB
    [InlineData("92c0")]        // array claims 2, has 1
    [InlineData("ddffffffff")]  // array32 claims 4 billion items
    [InlineData("dfffffffff")]  // map32 claims 4 billion pairs
    [InlineData("81c0")]        // map missing its value
    [InlineData("d6")]          // fixext 4 without type
    public void Malformed_or_truncated_input_is_InvalidDataException(string hex)
    {
        Assert.Throws<InvalidDataException>(() => Skip(Hex(hex)));
    }

    [Theory]
    [InlineData("a1ff")]          // not UTF-8
    [InlineData("a2c3")]          // cut multi-byte sequence, padded
    [InlineData("a3eda080")]      // an encoded surrogate (not UTF-8)
    [InlineData("a2c0af")]        // overlong
    public void Strings_must_be_well_formed_utf8(string hex)
    {
        if (hex == "a2c3")
        {
            hex = "a2c328";
        }

        Assert.Throws<InvalidDataException>(() => ReadString(Hex(hex)));
    }

    [Fact]
    public void Wrong_types_are_InvalidDataException_not_cast_errors()
    {
        Assert.Throws<InvalidDataException>(() => ReadString(Hex("01")));
        Assert.Throws<InvalidDataException>(() => ReadInt32(Hex("a161")));
        Assert.Throws<InvalidDataException>(() => ReadBoolean(Hex("c0")));
        Assert.Throws<InvalidDataException>(() => ReadArrayHeader(Hex("80")));
        Assert.Throws<InvalidDataException>(() => ReadMapHeader(Hex("90")));
        Assert.Throws<InvalidDataException>(() => ReadTimestamp(Hex("d60500000000")));
        Assert.Throws<InvalidDataException>(() => ReadTimestamp(Hex("d5ff0000")));
        Assert.Throws<InvalidDataException>(() => ReadTimestamp(Hex("d7ffffffffff00000000"))); // nanoseconds >= 1e9
    }

    [Fact]
    public void Nesting_is_limited()
    {
        var deep = new byte[65];
        deep.AsSpan(0, 64).Fill(0x91);
        deep[64] = 0xc0;
        Skip(deep); // 64 arrays deep: allowed

        var tooDeep = new byte[66];
        tooDeep.AsSpan(0, 65).Fill(0x91);
        tooDeep[65] = 0xc0;
        Assert.Throws<InvalidDataException>(() => Skip(tooDeep));

        Assert.Throws<InvalidDataException>(() => SkipWithMaxDepth(Hex("9191c0"), 1));
    }

    [Fact]
    public void Skip_and_ReadRaw_cover_every_family()
    {
        var value = Write(w =>
        {
            w.WriteArrayHeader(12);
            w.WriteNil();
            w.WriteBoolean(true);
            w.WriteInt64(-5);
            w.WriteInt64(100_000);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteSingle(1f);
            w.WriteDouble(2);
            w.WriteString("text");
            w.WriteBinary([1, 2, 3]);
            w.WriteMapHeader(1);
            w.WriteString("k");
            w.WriteArrayHeader(0);
            w.WriteExtension(7, [9, 9, 9]);
            w.WriteTimestamp(DateTime.UnixEpoch);
        });
        var bytes = value.Concat(new byte[] { 0x2a }).ToArray();

        var reader = new MessagePackReader(bytes);
        var raw = reader.ReadRaw();
        Assert.Equal(value, raw.ToArray());
        Assert.Equal(42, reader.ReadInt32());
        Assert.True(reader.End);
    }

    [Fact]
    public void Values_split_across_segments_read_the_same()
    {
        var bytes = Write(w =>
        {
            w.WriteArrayHeader(4);
            w.WriteString(new string('é', 100));
            w.WriteInt64(long.MinValue);
            w.WriteDouble(Math.PI);
            w.WriteBinary(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());
        });
        foreach (var segmentSize in new[] { 1, 2, 3, 7, 64 })
        {
            var reader = new MessagePackReader(Segmented(bytes, segmentSize));
            Assert.Equal(4, reader.ReadArrayHeader());
            Assert.Equal(new string('é', 100), reader.ReadString());
            Assert.Equal(long.MinValue, reader.ReadInt64());
            Assert.Equal(Math.PI, reader.ReadDouble());
            Assert.Equal(300, reader.ReadBytes()!.Value.Length);
            Assert.True(reader.End);
        }
    }

    [Fact]
    public void TryReadNil_consumes_only_nil()
    {
        var reader = new MessagePackReader(Hex("c0 01"));
        Assert.True(reader.TryReadNil());
        Assert.False(reader.TryReadNil());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(2, reader.Consumed);
    }

    private static void Skip(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        reader.Skip();
    }

    private static void SkipWithMaxDepth(byte[] bytes, int maxDepth)
    {
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(bytes), maxDepth);
        reader.Skip();
    }

    private static string? ReadString(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadString();
    }

    private static int ReadInt32(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadInt32();
    }

    private static ulong ReadUInt64(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadUInt64();
    }

    private static bool ReadBoolean(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadBoolean();
    }

    private static int ReadArrayHeader(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadArrayHeader();
    }

    private static int ReadMapHeader(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadMapHeader();
    }

    private static DateTime ReadTimestamp(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadTimestamp();
    }
}
