using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LiveSync.Protocol.MessagePack;

/// <summary>
/// Writes MessagePack values (https://github.com/msgpack/msgpack/blob/master/spec.md) into an
/// <see cref="IBufferWriter{T}"/>, always in the shortest encoding, the way every mainstream encoder (the JS
/// <c>@msgpack/msgpack</c> used by <c>@microsoft/signalr-protocol-msgpack</c> among them) writes them.
/// </summary>
/// <remarks>
/// <para>Wire format, by value (all lengths and numbers big-endian):</para>
/// <code>
/// nil                      0xc0
/// false / true             0xc2 / 0xc3
/// integer 0..127           0x00-0x7f (positive fixint)
/// integer -32..-1          0xe0-0xff (negative fixint)
/// other non-negative       0xcc u8 | 0xcd u16 | 0xce u32 | 0xcf u64     (the smallest that holds it)
/// other negative           0xd0 i8 | 0xd1 i16 | 0xd2 i32 | 0xd3 i64     (the smallest that holds it)
/// float 32 / 64            0xca + 4 bytes | 0xcb + 8 bytes (IEEE 754)
/// string, n UTF-8 bytes    0xa0|n (n &lt; 32) | 0xd9 n8 | 0xda n16 | 0xdb n32, then the bytes
/// binary, n bytes          0xc4 n8 | 0xc5 n16 | 0xc6 n32, then the bytes
/// array of n values        0x90|n (n &lt; 16) | 0xdc n16 | 0xdd n32, then the values
/// map of n pairs           0x80|n (n &lt; 16) | 0xde n16 | 0xdf n32, then key, value, key, value...
/// extension, n data bytes  0xd4/0xd5/0xd6/0xd7/0xd8 for n = 1/2/4/8/16 | 0xc7 n8 | 0xc8 n16 | 0xc9 n32,
///                          then the type (signed byte), then the data
/// timestamp (ext -1)       fixext 4: u32 seconds                          when there are no nanoseconds and seconds fit
///                          fixext 8: u64 (nanoseconds &lt;&lt; 34 | seconds)  when seconds fit 34 bits
///                          ext 8, n = 12: u32 nanoseconds, i64 seconds    otherwise
/// </code>
/// <para>The struct holds only the output, so copies of it write to the same place.</para>
/// </remarks>
public readonly ref struct MessagePackWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go; each write asks it for space and advances it at once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public MessagePackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Writes <c>nil</c>.</summary>
    public void WriteNil() => WriteByte(MessagePackCode.Nil);

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    /// <param name="value">The value.</param>
    public void WriteBoolean(bool value) => WriteByte(value ? MessagePackCode.True : MessagePackCode.False);

    /// <summary>Writes a signed integer in the shortest of the integer formats that holds it.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value);
            return;
        }

        var span = _output.GetSpan(9);
        int written;
        if (value >= -32)
        {
            span[0] = unchecked((byte)(sbyte)value);
            written = 1;
        }
        else if (value >= sbyte.MinValue)
        {
            span[0] = MessagePackCode.Int8;
            span[1] = unchecked((byte)(sbyte)value);
            written = 2;
        }
        else if (value >= short.MinValue)
        {
            span[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            written = 3;
        }
        else if (value >= int.MinValue)
        {
            span[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            written = 5;
        }
        else
        {
            span[0] = MessagePackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            written = 9;
        }

        _output.Advance(written);
    }

    /// <summary>Writes an unsigned integer in the shortest of the integer formats that holds it.</summary>
    /// <param name="value">The value.</param>
    public void WriteUInt64(ulong value)
    {
        var span = _output.GetSpan(9);
        int written;
        if (value <= MessagePackCode.MaxPositiveFixInt)
        {
            span[0] = (byte)value;
            written = 1;
        }
        else if (value <= byte.MaxValue)
        {
            span[0] = MessagePackCode.UInt8;
            span[1] = (byte)value;
            written = 2;
        }
        else if (value <= ushort.MaxValue)
        {
            span[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            written = 3;
        }
        else if (value <= uint.MaxValue)
        {
            span[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            written = 5;
        }
        else
        {
            span[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            written = 9;
        }

        _output.Advance(written);
    }

    /// <summary>Writes a float 32.</summary>
    /// <param name="value">The value.</param>
    public void WriteSingle(float value)
    {
        var span = _output.GetSpan(5);
        span[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(span[1..], value);
        _output.Advance(5);
    }

    /// <summary>Writes a float 64.</summary>
    /// <param name="value">The value.</param>
    public void WriteDouble(double value)
    {
        var span = _output.GetSpan(9);
        span[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    /// <summary>Writes a string as UTF-8, or <c>nil</c> when it is null.</summary>
    /// <param name="value">The string; a lone surrogate in it is written as U+FFFD, as every UTF-8 encoder does.</param>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }

        WriteString(value.AsSpan());
    }

    /// <summary>Writes characters as a UTF-8 string.</summary>
    /// <param name="value">The characters; a lone surrogate is written as U+FFFD.</param>
    public void WriteString(ReadOnlySpan<char> value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(byteCount);
        if (byteCount == 0)
        {
            return;
        }

        var span = _output.GetSpan(byteCount);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(byteCount);
    }

    /// <summary>Writes a string given as UTF-8 bytes, which are copied as they are.</summary>
    /// <param name="utf8">The string's UTF-8 bytes; the caller vouches that they are well-formed.</param>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    /// <summary>Writes the header of a string of <paramref name="byteCount"/> UTF-8 bytes; the bytes must follow.</summary>
    /// <param name="byteCount">The string's length in bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is negative.</exception>
    public void WriteStringHeader(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if (byteCount <= 31)
        {
            WriteByte((byte)(MessagePackCode.MinFixStr | byteCount));
            return;
        }

        WriteLengthHeader(byteCount, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32);
    }

    /// <summary>Writes a binary value (bin 8/16/32).</summary>
    /// <param name="value">The bytes.</param>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteBinaryHeader(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes the header of a binary value of <paramref name="length"/> bytes; the bytes must follow.</summary>
    /// <param name="length">The number of bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public void WriteBinaryHeader(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        WriteLengthHeader(length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32);
    }

    /// <summary>Writes the header of an array of <paramref name="count"/> values; the values must follow.</summary>
    /// <param name="count">The number of values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.MinFixArray | count));
            return;
        }

        WriteLengthHeader(count, 0, MessagePackCode.Array16, MessagePackCode.Array32);
    }

    /// <summary>Writes the header of a map of <paramref name="count"/> pairs; the keys and values must follow, alternating.</summary>
    /// <param name="count">The number of key/value pairs.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.MinFixMap | count));
            return;
        }

        WriteLengthHeader(count, 0, MessagePackCode.Map16, MessagePackCode.Map32);
    }

    /// <summary>Writes the header of an extension value; exactly <paramref name="length"/> data bytes must follow.</summary>
    /// <param name="type">The extension type; negative types are reserved by the spec (-1 is the timestamp).</param>
    /// <param name="length">The number of data bytes; 1, 2, 4, 8 and 16 use the fixext formats.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public void WriteExtensionHeader(sbyte type, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var span = _output.GetSpan(6);
        var code = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => (byte)0,
        };
        if (code != 0)
        {
            span[0] = code;
            span[1] = unchecked((byte)type);
            _output.Advance(2);
            return;
        }

        WriteLengthHeader(length, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32);
        WriteByte(unchecked((byte)type));
    }

    /// <summary>Writes an extension value.</summary>
    /// <param name="type">The extension type.</param>
    /// <param name="data">The data bytes.</param>
    public void WriteExtension(sbyte type, ReadOnlySpan<byte> data)
    {
        WriteExtensionHeader(type, data.Length);
        WriteRaw(data);
    }

    /// <summary>Writes a point in time as the timestamp extension (type -1), in its shortest form.</summary>
    /// <param name="value">The time; a <see cref="DateTimeKind.Local"/> value is converted to UTC, an unspecified one is taken as UTC.</param>
    public void WriteTimestamp(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        var ticks = value.Ticks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        var nanoseconds = (uint)(remainder * 100);
        Span<byte> data = stackalloc byte[12];
        if ((seconds >> 34) == 0)
        {
            if (nanoseconds == 0 && seconds <= uint.MaxValue)
            {
                BinaryPrimitives.WriteUInt32BigEndian(data, (uint)seconds);
                WriteExtension(MessagePackCode.TimestampExtensionType, data[..4]);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(data, ((ulong)nanoseconds << 34) | (ulong)seconds);
                WriteExtension(MessagePackCode.TimestampExtensionType, data[..8]);
            }

            return;
        }

        BinaryPrimitives.WriteUInt32BigEndian(data, nanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(data[4..], seconds);
        WriteExtension(MessagePackCode.TimestampExtensionType, data);
    }

    /// <summary>Copies bytes that already are MessagePack (or the body of a header just written) to the output as they are.</summary>
    /// <param name="bytes">The bytes.</param>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    /// <summary>Copies bytes that already are MessagePack to the output as they are.</summary>
    /// <param name="bytes">The bytes.</param>
    public void WriteRaw(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            WriteRaw(segment.Span);
        }
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    // The 8/16/32-bit length forms shared by str, bin, ext, array and map; code8 is 0 where the family has no 8-bit form.
    private void WriteLengthHeader(int length, byte code8, byte code16, byte code32)
    {
        var span = _output.GetSpan(5);
        int written;
        if (code8 != 0 && length <= byte.MaxValue)
        {
            span[0] = code8;
            span[1] = (byte)length;
            written = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            written = 3;
        }
        else
        {
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            written = 5;
        }

        _output.Advance(written);
    }
}
