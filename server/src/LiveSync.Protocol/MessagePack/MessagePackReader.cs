using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace LiveSync.Protocol.MessagePack;

/// <summary>
/// Reads MessagePack values (https://github.com/msgpack/msgpack/blob/master/spec.md) from a complete,
/// already framed payload: every format family, strictly and within bounds.
/// </summary>
/// <remarks>
/// <para>Wire format: see <see cref="MessagePackWriter"/>; the reader accepts every encoding of a value, not only the
/// shortest (an integer 1 sent as <c>0xcf 00 00 00 00 00 00 00 01</c> reads as 1).</para>
/// <para>Guarantees, for any input:</para>
/// <list type="bullet">
/// <item>Malformed or truncated input (the payload ends inside a value, the byte <c>0xc1</c>, a string that is not
/// UTF-8, a number out of the requested range) throws <see cref="InvalidDataException"/>, never another exception.
/// The framing layer decides when a payload is complete, so "the bytes ran out" is always malformed here.</item>
/// <item>A length or count prefix is checked against the bytes that remain before anything is allocated for it: a
/// string, binary or extension may not claim more bytes than remain, an array more items than remaining bytes (each
/// item takes at least one), a map more pairs than half of them. So no read allocates beyond the input's size.</item>
/// <item>Arrays and maps nest at most <see cref="MaxDepth"/> deep, so skipping or converting never overflows the stack,
/// and every read moves forward, so nothing loops without consuming input.</item>
/// </list>
/// </remarks>
public ref struct MessagePackReader
{
    /// <summary>The default limit on how deep arrays and maps may nest: 64, the same as System.Text.Json's.</summary>
    public const int DefaultMaxDepth = 64;

    private SequenceReader<byte> _reader;

    /// <summary>Creates a reader over a complete payload.</summary>
    /// <param name="sequence">The bytes to read.</param>
    /// <param name="maxDepth">How deep arrays and maps may nest (default <see cref="DefaultMaxDepth"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> is below 1.</exception>
    public MessagePackReader(ReadOnlySequence<byte> sequence, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        _reader = new SequenceReader<byte>(sequence);
        MaxDepth = maxDepth;
    }

    /// <summary>Creates a reader over a complete payload in one block of memory.</summary>
    /// <param name="memory">The bytes to read.</param>
    /// <param name="maxDepth">How deep arrays and maps may nest (default <see cref="DefaultMaxDepth"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> is below 1.</exception>
    public MessagePackReader(ReadOnlyMemory<byte> memory, int maxDepth = DefaultMaxDepth)
        : this(new ReadOnlySequence<byte>(memory), maxDepth)
    {
    }

    /// <summary>How deep arrays and maps may nest; a deeper value is <see cref="InvalidDataException"/>.</summary>
    public int MaxDepth { get; }

    /// <summary>True when every byte has been read.</summary>
    public readonly bool End => _reader.End;

    /// <summary>How many bytes have been read.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>How many bytes are left.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>Where the next value starts, in <see cref="Sequence"/>.</summary>
    public readonly SequencePosition Position => _reader.Position;

    /// <summary>The whole payload this reader reads.</summary>
    public readonly ReadOnlySequence<byte> Sequence => _reader.Sequence;

    /// <summary>The format family of the next value, without reading it.</summary>
    /// <returns>The family.</returns>
    /// <exception cref="InvalidDataException">No bytes remain, or the next byte is <c>0xc1</c>.</exception>
    public readonly MessagePackType PeekType()
    {
        if (!_reader.TryPeek(out var code))
        {
            ThrowTruncated();
        }

        var type = MessagePackCode.TypeOf(code);
        if (type == MessagePackType.Unknown)
        {
            ThrowInvalid("The byte 0xc1 is never used in MessagePack.");
        }

        return type;
    }

    /// <summary>Reads a <c>nil</c> if that is what comes next.</summary>
    /// <returns>True (and the nil consumed) when the next value is nil; false (nothing consumed) otherwise.</returns>
    /// <exception cref="InvalidDataException">No bytes remain.</exception>
    public bool TryReadNil()
    {
        if (!_reader.TryPeek(out var code))
        {
            ThrowTruncated();
        }

        if (code != MessagePackCode.Nil)
        {
            return false;
        }

        _reader.Advance(1);
        return true;
    }

    /// <summary>Reads a <c>nil</c>.</summary>
    /// <exception cref="InvalidDataException">The next value is not nil.</exception>
    public void ReadNil()
    {
        if (!TryReadNil())
        {
            ThrowUnexpected("nil");
        }
    }

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The next value is not a boolean.</exception>
    public bool ReadBoolean()
    {
        switch (PeekCode())
        {
            case MessagePackCode.True:
                _reader.Advance(1);
                return true;
            case MessagePackCode.False:
                _reader.Advance(1);
                return false;
            default:
                ThrowUnexpected("a boolean");
                return false;
        }
    }

    /// <summary>Reads an integer, in any of the integer formats, that fits a <see cref="long"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The next value is not an integer, or does not fit.</exception>
    public long ReadInt64()
    {
        var code = PeekCode();
        if (code == MessagePackCode.UInt64)
        {
            var unsigned = ReadUInt64();
            if (unsigned > long.MaxValue)
            {
                ThrowInvalid($"The integer {unsigned} does not fit a 64-bit signed integer.");
            }

            return (long)unsigned;
        }

        return ReadIntegerCore(code);
    }

    /// <summary>Reads a non-negative integer, in any of the integer formats.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The next value is not an integer, or is negative.</exception>
    public ulong ReadUInt64()
    {
        var code = PeekCode();
        if (code == MessagePackCode.UInt64)
        {
            _reader.Advance(1);
            return (ulong)ReadRawInt64();
        }

        var value = ReadIntegerCore(code);
        if (value < 0)
        {
            ThrowInvalid($"The integer {value} is negative where an unsigned integer was expected.");
        }

        return (ulong)value;
    }

    /// <summary>Reads an integer, in any of the integer formats, that fits an <see cref="int"/>.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The next value is not an integer, or does not fit.</exception>
    public int ReadInt32()
    {
        var value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            ThrowInvalid($"The integer {value} does not fit a 32-bit signed integer.");
        }

        return (int)value;
    }

    /// <summary>Reads a number: a float 32, a float 64 or any integer, as a <see cref="double"/>.</summary>
    /// <returns>The value (an integer beyond 2^53 is rounded, as any conversion to double rounds it).</returns>
    /// <exception cref="InvalidDataException">The next value is not a number.</exception>
    public double ReadDouble()
    {
        var code = PeekCode();
        switch (code)
        {
            case MessagePackCode.Float64:
                _reader.Advance(1);
                return BitConverter.Int64BitsToDouble(ReadRawInt64());
            case MessagePackCode.Float32:
                _reader.Advance(1);
                return BitConverter.Int32BitsToSingle(ReadRawInt32());
            case MessagePackCode.UInt64:
                return ReadUInt64();
            default:
                return ReadIntegerCore(code);
        }
    }

    /// <summary>Reads a float 32 as it is.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">The next value is not a float 32.</exception>
    public float ReadSingle()
    {
        if (PeekCode() != MessagePackCode.Float32)
        {
            ThrowUnexpected("a float 32");
        }

        _reader.Advance(1);
        return BitConverter.Int32BitsToSingle(ReadRawInt32());
    }

    /// <summary>Reads a string, or <c>nil</c> as null.</summary>
    /// <returns>The string, or null.</returns>
    /// <exception cref="InvalidDataException">The next value is neither a string nor nil, or is not well-formed UTF-8.</exception>
    public string? ReadString()
    {
        var bytes = ReadStringSequence();
        if (bytes is not { } utf8)
        {
            return null;
        }

        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.IsSingleSegment)
        {
            return DecodeUtf8(utf8.FirstSpan);
        }

        // Only a payload that spans pipe segments lands here; a pooled copy saves allocating a joined array.
        var length = (int)utf8.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8.CopyTo(rented);
            return DecodeUtf8(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads a string's UTF-8 bytes without decoding or checking them, or <c>nil</c> as null.</summary>
    /// <returns>A slice of the payload holding the string's bytes, or null.</returns>
    /// <exception cref="InvalidDataException">The next value is neither a string nor nil, or is truncated.</exception>
    public ReadOnlySequence<byte>? ReadStringSequence()
    {
        var code = PeekCode();
        if (code == MessagePackCode.Nil)
        {
            _reader.Advance(1);
            return null;
        }

        long length;
        if (code is >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr)
        {
            _reader.Advance(1);
            length = code & 0x1f;
        }
        else if (code is >= MessagePackCode.Str8 and <= MessagePackCode.Str32)
        {
            _reader.Advance(1);
            length = ReadLength(code - MessagePackCode.Str8);
        }
        else
        {
            ThrowUnexpected("a string");
            return null;
        }

        return ReadBlock(length);
    }

    /// <summary>Reads a binary value (bin 8/16/32), or <c>nil</c> as null.</summary>
    /// <returns>A slice of the payload holding the bytes, or null.</returns>
    /// <exception cref="InvalidDataException">The next value is neither binary nor nil, or is truncated.</exception>
    public ReadOnlySequence<byte>? ReadBytes()
    {
        var code = PeekCode();
        if (code == MessagePackCode.Nil)
        {
            _reader.Advance(1);
            return null;
        }

        if (code is < MessagePackCode.Bin8 or > MessagePackCode.Bin32)
        {
            ThrowUnexpected("binary");
        }

        _reader.Advance(1);
        return ReadBlock(ReadLength(code - MessagePackCode.Bin8));
    }

    /// <summary>Reads an array header: the number of values that follow.</summary>
    /// <returns>The count; never more than the bytes that remain.</returns>
    /// <exception cref="InvalidDataException">The next value is not an array, or claims more items than bytes remain.</exception>
    public int ReadArrayHeader()
    {
        var code = PeekCode();
        long count;
        if (code is >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray)
        {
            _reader.Advance(1);
            count = code & 0x0f;
        }
        else if (code is MessagePackCode.Array16 or MessagePackCode.Array32)
        {
            _reader.Advance(1);
            count = ReadLength(code == MessagePackCode.Array16 ? 1 : 2);
        }
        else
        {
            ThrowUnexpected("an array");
            return 0;
        }

        if (count > _reader.Remaining)
        {
            ThrowInvalid($"An array claims {count} items but only {_reader.Remaining} bytes remain.");
        }

        return (int)count;
    }

    /// <summary>Reads a map header: the number of key/value pairs that follow.</summary>
    /// <returns>The count; never more than half the bytes that remain.</returns>
    /// <exception cref="InvalidDataException">The next value is not a map, or claims more pairs than bytes remain.</exception>
    public int ReadMapHeader()
    {
        var code = PeekCode();
        long count;
        if (code is >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap)
        {
            _reader.Advance(1);
            count = code & 0x0f;
        }
        else if (code is MessagePackCode.Map16 or MessagePackCode.Map32)
        {
            _reader.Advance(1);
            count = ReadLength(code == MessagePackCode.Map16 ? 1 : 2);
        }
        else
        {
            ThrowUnexpected("a map");
            return 0;
        }

        if (count * 2 > _reader.Remaining)
        {
            ThrowInvalid($"A map claims {count} pairs but only {_reader.Remaining} bytes remain.");
        }

        return (int)count;
    }

    /// <summary>Reads an extension value.</summary>
    /// <param name="type">The extension type.</param>
    /// <returns>A slice of the payload holding the extension's data.</returns>
    /// <exception cref="InvalidDataException">The next value is not an extension, or is truncated.</exception>
    public ReadOnlySequence<byte> ReadExtension(out sbyte type)
    {
        var code = PeekCode();
        long length;
        switch (code)
        {
            case MessagePackCode.FixExt1: length = 1; break;
            case MessagePackCode.FixExt2: length = 2; break;
            case MessagePackCode.FixExt4: length = 4; break;
            case MessagePackCode.FixExt8: length = 8; break;
            case MessagePackCode.FixExt16: length = 16; break;
            case >= MessagePackCode.Ext8 and <= MessagePackCode.Ext32:
                _reader.Advance(1);
                length = ReadLength(code - MessagePackCode.Ext8);
                type = unchecked((sbyte)ReadRawByte());
                return ReadBlock(length);
            default:
                ThrowUnexpected("an extension");
                type = 0;
                return default;
        }

        _reader.Advance(1);
        type = unchecked((sbyte)ReadRawByte());
        return ReadBlock(length);
    }

    /// <summary>Reads a timestamp extension (type -1) in any of its three forms.</summary>
    /// <returns>The time, as a UTC <see cref="DateTime"/> (whose 100 ns ticks truncate finer nanoseconds).</returns>
    /// <exception cref="InvalidDataException">The next value is not a timestamp, is malformed, or is outside the years 1 to 9999.</exception>
    public DateTime ReadTimestamp()
    {
        var data = ReadExtension(out var type);
        if (type != MessagePackCode.TimestampExtensionType)
        {
            ThrowInvalid($"Expected a timestamp (extension -1) but found extension {type}.");
        }

        Span<byte> bytes = stackalloc byte[12];
        long seconds;
        uint nanoseconds;
        switch (data.Length)
        {
            case 4:
                data.CopyTo(bytes);
                seconds = BinaryPrimitives.ReadUInt32BigEndian(bytes);
                nanoseconds = 0;
                break;
            case 8:
                data.CopyTo(bytes);
                var packed = BinaryPrimitives.ReadUInt64BigEndian(bytes);
                seconds = (long)(packed & 0x3_ffff_ffffUL);
                nanoseconds = (uint)(packed >> 34);
                break;
            case 12:
                data.CopyTo(bytes);
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(bytes);
                seconds = BinaryPrimitives.ReadInt64BigEndian(bytes[4..]);
                break;
            default:
                ThrowInvalid($"A timestamp has 4, 8 or 12 data bytes, not {data.Length}.");
                return default;
        }

        const long minSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long maxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (nanoseconds >= 1_000_000_000 || seconds < minSeconds || seconds > maxSeconds)
        {
            ThrowInvalid("The timestamp is malformed or outside the years 1 to 9999.");
        }

        var ticks = DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100);
        return new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>Skips the next value, with everything nested in it.</summary>
    /// <exception cref="InvalidDataException">The value is malformed, truncated or nested deeper than <see cref="MaxDepth"/>.</exception>
    public void Skip() => SkipCore(0);

    /// <summary>Reads the next value, with everything nested in it, as the bytes that encode it.</summary>
    /// <returns>A slice of the payload.</returns>
    /// <exception cref="InvalidDataException">The value is malformed, truncated or nested deeper than <see cref="MaxDepth"/>.</exception>
    public ReadOnlySequence<byte> ReadRaw()
    {
        var start = _reader.Position;
        SkipCore(0);
        return _reader.Sequence.Slice(start, _reader.Position);
    }

    /// <summary>Throws when a container at <paramref name="depth"/> (the top level is 0) would nest too deep.</summary>
    internal readonly void CheckDepth(int depth)
    {
        if (depth >= MaxDepth)
        {
            ThrowInvalid($"Arrays and maps nest deeper than {MaxDepth}.");
        }
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="utf8"/> is well-formed UTF-8.</summary>
    internal static void ValidateUtf8(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            ThrowInvalid("A string is not well-formed UTF-8.");
        }
    }

    [DoesNotReturn]
    internal static void ThrowInvalid(string message) => throw new InvalidDataException(message);

    private static string DecodeUtf8(ReadOnlySpan<byte> utf8)
    {
        ValidateUtf8(utf8);
        return Encoding.UTF8.GetString(utf8);
    }

    private void SkipCore(int depth)
    {
        var code = PeekCode();
        _reader.Advance(1);
        long count;
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt:
            case >= MessagePackCode.MinNegativeFixInt:
            case MessagePackCode.Nil or MessagePackCode.False or MessagePackCode.True:
                return;
            case <= MessagePackCode.MaxFixMap:
                count = (code & 0x0f) * 2L;
                break;
            case <= MessagePackCode.MaxFixArray:
                count = code & 0x0f;
                break;
            case <= MessagePackCode.MaxFixStr:
                AdvanceBlock(code & 0x1f);
                return;
            case MessagePackCode.NeverUsed:
                ThrowInvalid("The byte 0xc1 is never used in MessagePack.");
                return;
            case >= MessagePackCode.Bin8 and <= MessagePackCode.Bin32:
                AdvanceBlock(ReadLength(code - MessagePackCode.Bin8));
                return;
            case >= MessagePackCode.Ext8 and <= MessagePackCode.Ext32:
                AdvanceBlock(ReadLength(code - MessagePackCode.Ext8) + 1);
                return;
            case MessagePackCode.Float32:
                AdvanceBlock(4);
                return;
            case MessagePackCode.Float64:
                AdvanceBlock(8);
                return;
            case MessagePackCode.UInt8 or MessagePackCode.Int8:
                AdvanceBlock(1);
                return;
            case MessagePackCode.UInt16 or MessagePackCode.Int16:
                AdvanceBlock(2);
                return;
            case MessagePackCode.UInt32 or MessagePackCode.Int32:
                AdvanceBlock(4);
                return;
            case MessagePackCode.UInt64 or MessagePackCode.Int64:
                AdvanceBlock(8);
                return;
            case >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16:
                AdvanceBlock(1 + (1 << (code - MessagePackCode.FixExt1)));
                return;
            case >= MessagePackCode.Str8 and <= MessagePackCode.Str32:
                AdvanceBlock(ReadLength(code - MessagePackCode.Str8));
                return;
            case MessagePackCode.Array16 or MessagePackCode.Array32:
                count = ReadLength(code == MessagePackCode.Array16 ? 1 : 2);
                break;
            default: // Map16 or Map32
                count = ReadLength(code == MessagePackCode.Map16 ? 1 : 2) * 2;
                break;
        }

        if (count > _reader.Remaining)
        {
            ThrowInvalid($"An array or map claims {count} values but only {_reader.Remaining} bytes remain.");
        }

        if (count == 0)
        {
            return;
        }

        CheckDepth(depth);
        for (long i = 0; i < count; i++)
        {
            SkipCore(depth + 1);
        }
    }

    internal readonly byte PeekCode()
    {
        if (!_reader.TryPeek(out var code))
        {
            ThrowTruncated();
        }

        return code;
    }

    // Integers other than uint 64, which is the only format a long may not hold.
    private long ReadIntegerCore(byte code)
    {
        if (code <= MessagePackCode.MaxPositiveFixInt)
        {
            _reader.Advance(1);
            return code;
        }

        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            _reader.Advance(1);
            return unchecked((sbyte)code);
        }

        switch (code)
        {
            case MessagePackCode.UInt8:
                _reader.Advance(1);
                return ReadRawByte();
            case MessagePackCode.UInt16:
                _reader.Advance(1);
                return (ushort)ReadRawInt16();
            case MessagePackCode.UInt32:
                _reader.Advance(1);
                return (uint)ReadRawInt32();
            case MessagePackCode.Int8:
                _reader.Advance(1);
                return unchecked((sbyte)ReadRawByte());
            case MessagePackCode.Int16:
                _reader.Advance(1);
                return ReadRawInt16();
            case MessagePackCode.Int32:
                _reader.Advance(1);
                return ReadRawInt32();
            case MessagePackCode.Int64:
                _reader.Advance(1);
                return ReadRawInt64();
            default:
                ThrowUnexpected("an integer");
                return 0;
        }
    }

    // Reads the 1-, 2- or 4-byte big-endian length that follows a str/bin/ext/array/map code; width 0, 1, 2 = 8, 16, 32 bits.
    private long ReadLength(int width)
    {
        return width switch
        {
            0 => ReadRawByte(),
            1 => (ushort)ReadRawInt16(),
            _ => (uint)ReadRawInt32(),
        };
    }

    private byte ReadRawByte()
    {
        if (!_reader.TryRead(out var value))
        {
            ThrowTruncated();
        }

        return value;
    }

    private short ReadRawInt16()
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            ThrowTruncated();
        }

        return value;
    }

    private int ReadRawInt32()
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            ThrowTruncated();
        }

        return value;
    }

    private long ReadRawInt64()
    {
        if (!_reader.TryReadBigEndian(out long value))
        {
            ThrowTruncated();
        }

        return value;
    }

    private ReadOnlySequence<byte> ReadBlock(long length)
    {
        if (length > _reader.Remaining)
        {
            ThrowInvalid($"A value claims {length} bytes but only {_reader.Remaining} remain.");
        }

        var block = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return block;
    }

    private void AdvanceBlock(long length)
    {
        if (length > _reader.Remaining)
        {
            ThrowInvalid($"A value claims {length} bytes but only {_reader.Remaining} remain.");
        }

        _reader.Advance(length);
    }

    [DoesNotReturn]
    private readonly void ThrowUnexpected(string expected)
    {
        _reader.TryPeek(out var code);
        ThrowInvalid($"Expected {expected} at offset {_reader.Consumed} but found a {MessagePackCode.TypeOf(code)} (0x{code:x2}).");
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated() =>
        ThrowInvalid($"The payload ends at offset {_reader.Consumed}, inside a value.");
}
