using System.Buffers;

namespace LiveSync.SignalR.MessagePack;

/// <summary>
/// The length-prefix framing of SignalR's binary hub protocols: <c>([Length][Body])([Length][Body])...</c>.
/// </summary>
/// <remarks>
/// <c>Length</c> is the body's size as a VarInt of 1 to 5 bytes: 7 bits per byte, least significant group first,
/// the top bit set on every byte but the last. The largest body is 2 GB - 1 (<c>0xff 0xff 0xff 0xff 0x07</c>).
/// Example: a 2-byte body <c>0x01 0x02</c> is framed as <c>0x02 0x01 0x02</c>; a 5248-byte body starts <c>0x80 0x29</c>.
/// </remarks>
internal static class BinaryMessageFormat
{
    /// <summary>The most bytes a length prefix takes.</summary>
    public const int MaxLengthPrefixSize = 5;

    /// <summary>
    /// Takes the next complete frame off the front of <paramref name="buffer"/>. False (and the buffer untouched)
    /// when it does not hold a whole frame yet: the caller waits for more data.
    /// </summary>
    /// <exception cref="InvalidDataException">The length prefix is longer than 5 bytes or above 2 GB - 1.</exception>
    public static bool TryParseMessage(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.IsEmpty)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[MaxLengthPrefixSize];
        var available = (int)Math.Min(MaxLengthPrefixSize, buffer.Length);
        buffer.Slice(0, available).CopyTo(prefix);

        uint length = 0;
        var prefixLength = 0;
        byte current;
        while (true)
        {
            if (prefixLength == available)
            {
                return false;
            }

            current = prefix[prefixLength];
            length |= (uint)(current & 0x7f) << (7 * prefixLength);
            prefixLength++;
            if ((current & 0x80) == 0)
            {
                break;
            }

            if (prefixLength == MaxLengthPrefixSize)
            {
                throw new InvalidDataException("A message length prefix is longer than 5 bytes.");
            }
        }

        if (prefixLength == MaxLengthPrefixSize && current > 0x07)
        {
            throw new InvalidDataException("Messages over 2GB in size are not supported.");
        }

        if (buffer.Length - prefixLength < length)
        {
            return false;
        }

        payload = buffer.Slice(prefixLength, length);
        buffer = buffer.Slice(prefixLength + length);
        return true;
    }

    /// <summary>How many bytes the length prefix of a <paramref name="length"/>-byte body takes.</summary>
    public static int GetLengthPrefixLength(int length)
    {
        var size = 1;
        for (var rest = (uint)length >> 7; rest != 0; rest >>= 7)
        {
            size++;
        }

        return size;
    }

    /// <summary>Writes the length prefix of a <paramref name="length"/>-byte body into <paramref name="output"/>.</summary>
    /// <returns>How many bytes it took.</returns>
    public static int WriteLengthPrefix(int length, Span<byte> output)
    {
        var rest = (uint)length;
        var written = 0;
        do
        {
            var current = (byte)(rest & 0x7f);
            rest >>= 7;
            if (rest != 0)
            {
                current |= 0x80;
            }

            output[written++] = current;
        }
        while (rest != 0);

        return written;
    }

    /// <summary>Writes the length prefix of a <paramref name="length"/>-byte body to <paramref name="output"/>.</summary>
    public static void WriteLengthPrefix(int length, IBufferWriter<byte> output)
    {
        var written = WriteLengthPrefix(length, output.GetSpan(MaxLengthPrefixSize));
        output.Advance(written);
    }
}
