using System.Buffers;
using System.Text;
using LiveSync.Protocol.MessagePack;
using static LiveSync.Protocol.Tests.MessagePack.MessagePackTestBytes;

namespace LiveSync.Protocol.Tests.MessagePack;

public sealed class MessagePackWriterTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(1L, "01")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")]
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")]
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Integers_use_the_shortest_format_and_read_back(long value, string hex)
    {
        var bytes = Write(w => w.WriteInt64(value));
        Assert.Equal(hex, ToHex(bytes));

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Integer, reader.PeekType());
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void UInt64_above_long_max_uses_uint64()
    {
        var bytes = Write(w => w.WriteUInt64(ulong.MaxValue));
        Assert.Equal("cfffffffffffffffff", ToHex(bytes));
        var reader = new MessagePackReader(bytes);
        Assert.Equal(ulong.MaxValue, reader.ReadUInt64());

        Assert.Throws<InvalidDataException>(() => ReadInt64(bytes));
    }

    [Fact]
    public void Nil_and_booleans()
    {
        Assert.Equal("c0c2c3", ToHex(Write(w =>
        {
            w.WriteNil();
            w.WriteBoolean(false);
            w.WriteBoolean(true);
        })));
    }

    [Fact]
    public void Floats_are_big_endian_ieee754()
    {
        Assert.Equal("cb3ff8000000000000", ToHex(Write(w => w.WriteDouble(1.5))));
        Assert.Equal("ca3fc00000", ToHex(Write(w => w.WriteSingle(1.5f))));
        var reader = new MessagePackReader(Write(w =>
        {
            w.WriteDouble(-0.1);
            w.WriteSingle(0.25f);
            w.WriteDouble(double.NaN);
        }));
        Assert.Equal(MessagePackType.Float, reader.PeekType());
        Assert.Equal(-0.1, reader.ReadDouble());
        Assert.Equal(0.25f, reader.ReadSingle());
        Assert.True(double.IsNaN(reader.ReadDouble()));
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void String_headers_at_each_boundary(int length, string headerHex)
    {
        var text = new string('x', length);
        var bytes = Write(w => w.WriteString(text));
        Assert.Equal(headerHex, ToHex(bytes.AsSpan(0, headerHex.Length / 2)));
        Assert.Equal(headerHex.Length / 2 + length, bytes.Length);

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.String, reader.PeekType());
        Assert.Equal(text, reader.ReadString());
        Assert.True(reader.End);
    }

    [Fact]
    public void Strings_are_utf8_and_null_is_nil()
    {
        var bytes = Write(w =>
        {
            w.WriteString("héllo👋");
            w.WriteString((string?)null);
            w.WriteString("é"u8);
        });
        Assert.Equal("aa68c3a96c6c6ff09f918bc0a2c3a9", ToHex(bytes));
        var reader = new MessagePackReader(bytes);
        Assert.Equal("héllo👋", reader.ReadString());
        Assert.Null(reader.ReadString());
        Assert.Equal("é", reader.ReadString());
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")]
    public void Binary_headers_at_each_boundary(int length, string headerHex)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var bytes = Write(w => w.WriteBinary(data));
        Assert.Equal(headerHex, ToHex(bytes.AsSpan(0, headerHex.Length / 2)));

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Binary, reader.PeekType());
        Assert.Equal(data, reader.ReadBytes()!.Value.ToArray());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0, "90")]
    [InlineData(15, "9f")]
    [InlineData(16, "dc0010")]
    [InlineData(65535, "dcffff")]
    [InlineData(65536, "dd00010000")]
    public void Array_headers_at_each_boundary(int count, string headerHex)
    {
        var bytes = Write(w =>
        {
            w.WriteArrayHeader(count);
            for (var i = 0; i < count; i++)
            {
                w.WriteNil();
            }
        });
        Assert.Equal(headerHex, ToHex(bytes.AsSpan(0, headerHex.Length / 2)));

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Array, reader.PeekType());
        Assert.Equal(count, reader.ReadArrayHeader());
        for (var i = 0; i < count; i++)
        {
            reader.ReadNil();
        }

        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0, "80")]
    [InlineData(15, "8f")]
    [InlineData(16, "de0010")]
    [InlineData(65535, "deffff")]
    [InlineData(65536, "df00010000")]
    public void Map_headers_at_each_boundary(int count, string headerHex)
    {
        var bytes = Write(w =>
        {
            w.WriteMapHeader(count);
            for (var i = 0; i < count; i++)
            {
                w.WriteInt64(i);
                w.WriteBoolean(true);
            }
        });
        Assert.Equal(headerHex, ToHex(bytes.AsSpan(0, headerHex.Length / 2)));

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Map, reader.PeekType());
        Assert.Equal(count, reader.ReadMapHeader());
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, reader.ReadInt64());
            Assert.True(reader.ReadBoolean());
        }

        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(0, "c70005")]
    [InlineData(3, "c70305")]
    [InlineData(255, "c7ff05")]
    [InlineData(256, "c8010005")]
    [InlineData(65535, "c8ffff05")]
    [InlineData(65536, "c90001000005")]
    public void Extension_headers_at_each_boundary(int length, string headerHex)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var bytes = Write(w => w.WriteExtension(5, data));
        Assert.Equal(headerHex, ToHex(bytes.AsSpan(0, headerHex.Length / 2)));

        var reader = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Extension, reader.PeekType());
        Assert.Equal(data, reader.ReadExtension(out var type).ToArray());
        Assert.Equal(5, type);
        Assert.True(reader.End);
    }

    [Fact]
    public void Timestamps_use_the_shortest_of_the_three_forms()
    {
        // 32-bit: whole seconds that fit an unsigned 32-bit number.
        var epochPlus = DateTime.UnixEpoch.AddSeconds(1);
        Assert.Equal("d6ff00000001", ToHex(Write(w => w.WriteTimestamp(epochPlus))));

        // 64-bit: nanoseconds, or seconds beyond 32 bits within 34.
        var withNanos = DateTime.UnixEpoch.AddSeconds(1).AddTicks(5); // 500 ns
        Assert.Equal("d7ff000007d000000001", ToHex(Write(w => w.WriteTimestamp(withNanos))));

        // 96-bit: before the epoch or beyond 34 bits of seconds.
        var before = DateTime.UnixEpoch.AddSeconds(-1);
        Assert.Equal("c70cff00000000ffffffffffffffff", ToHex(Write(w => w.WriteTimestamp(before))));

        foreach (var time in new[] { epochPlus, withNanos, before, DateTime.MinValue, DateTime.MaxValue, new DateTime(2025, 6, 1, 12, 30, 15, 123, DateTimeKind.Utc) })
        {
            var utc = DateTime.SpecifyKind(time, DateTimeKind.Utc);
            var reader = new MessagePackReader(Write(w => w.WriteTimestamp(utc)));
            Assert.Equal(utc, reader.ReadTimestamp());
        }
    }

    [Fact]
    public void Raw_bytes_are_copied_as_they_are()
    {
        Assert.Equal("9106", ToHex(Write(w => w.WriteRaw([0x91, 0x06]))));
    }

    [Fact]
    public void A_lone_surrogate_is_written_as_the_replacement_character()
    {
        var bytes = Write(w => w.WriteString("a\ud800"));
        Assert.Equal("a461efbfbd", ToHex(bytes));
        Assert.Equal(Encoding.UTF8.GetBytes("a\ufffd"), bytes.AsSpan(1).ToArray());
    }

    private static long ReadInt64(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return reader.ReadInt64();
    }
}
