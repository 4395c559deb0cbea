using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// Parses RESP2 replies out of the bytes received so far.
/// <para>
/// The wire format (RESP2, https://redis.io/docs/latest/develop/reference/protocol-spec/): every value starts with a
/// one-byte type marker and a header line ending in CR LF.
/// <code>
/// +OK\r\n                      simple string: text up to CR LF (no CR or LF inside)
/// -ERR unknown command\r\n     error: like a simple string; the first word is the error code
/// :1000\r\n                    integer: signed 64-bit decimal
/// $5\r\nhello\r\n              bulk string: byte length, CR LF, that many bytes (binary safe), CR LF
/// $-1\r\n                      null bulk string (e.g. GET on a missing key)
/// *2\r\n:1\r\n$1\r\na\r\n      array: element count, CR LF, then each element, nested arrays allowed
/// *-1\r\n                      null array (e.g. BLPOP timing out)
/// </code>
/// A command is sent as an array of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>, see
/// <see cref="RespCommandWriter"/>). Replies come back in the order the commands were sent, which is what lets one
/// connection carry many commands in flight. A subscribed connection also receives push messages, arrays whose first
/// element is <c>message</c> or <c>pmessage</c>, between replies.
/// </para>
/// <para>
/// A reply may arrive split over any number of reads. Scalars are parsed only once whole; an array is first skipped
/// over without allocating to check it is complete, then materialised, so a large reply arriving in many pieces is
/// not parsed (and allocated) again on every read.
/// </para>
/// </summary>
internal static class RespParser
{
    /// <summary>Redis' own cap on a bulk string (proto-max-bulk-len default).</summary>
    private const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Deeper nesting than any Redis command produces; guards the recursion against a corrupt stream.</summary>
    private const int MaxDepth = 64;

    // Cached so the most common status replies cost no string allocation.
    private static readonly RespValue s_ok = RespValue.SimpleString("OK");
    private static readonly RespValue s_pong = RespValue.SimpleString("PONG");
    private static readonly RespValue s_queued = RespValue.SimpleString("QUEUED");
    private static readonly RespValue s_nullBulk = RespValue.BulkString(null);
    private static readonly RespValue s_nullArray = RespValue.Array(null);
    private static readonly RespValue s_emptyArray = RespValue.Array([]);

    /// <summary>
    /// Parses one whole reply from the start of <paramref name="buffer"/> and slices it off; false (buffer untouched)
    /// when the reply is not complete yet.
    /// </summary>
    /// <exception cref="RedisConnectionException">The bytes are not valid RESP: the stream cannot be trusted any more.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var marker))
        {
            value = default;
            return false;
        }

        if (marker == (byte)'*')
        {
            var probe = reader;
            if (!TrySkip(ref probe, 0))
            {
                value = default;
                return false;
            }
        }

        if (!TryReadValue(ref reader, 0, out value))
        {
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryReadValue(ref SequenceReader<byte> reader, int depth, out RespValue value)
    {
        value = default;
        if (!reader.TryRead(out var marker) || !TryReadLine(ref reader, out var line))
        {
            return false;
        }

        switch (marker)
        {
            case (byte)'+':
                value = ReadSimpleString(line);
                return true;
            case (byte)'-':
                value = RespValue.Error(Encoding.UTF8.GetString(line));
                return true;
            case (byte)':':
                value = RespValue.Integer(ParseInteger(line));
                return true;
            case (byte)'$':
                var length = ParseLength(line, MaxBulkLength);
                if (length < 0)
                {
                    value = s_nullBulk;
                    return true;
                }

                if (reader.Remaining < length + 2)
                {
                    return false;
                }

                var bytes = GC.AllocateUninitializedArray<byte>((int)length);
                reader.TryCopyTo(bytes);
                reader.Advance(length);
                ExpectCrLf(ref reader);
                value = RespValue.BulkString(bytes);
                return true;
            case (byte)'*':
                var count = ParseLength(line, int.MaxValue);
                if (count <= 0)
                {
                    value = count < 0 ? s_nullArray : s_emptyArray;
                    return true;
                }

                if (depth >= MaxDepth)
                {
                    throw ProtocolError("arrays nested too deeply");
                }

                var items = new RespValue[count];
                for (var i = 0; i < items.Length; i++)
                {
                    if (!TryReadValue(ref reader, depth + 1, out items[i]))
                    {
                        return false;
                    }
                }

                value = RespValue.Array(items);
                return true;
            default:
                throw ProtocolError($"unexpected type marker 0x{marker:x2}");
        }
    }

    /// <summary>Advances past one whole value without allocating; false when it is not all there yet.</summary>
    private static bool TrySkip(ref SequenceReader<byte> reader, int depth)
    {
        if (!reader.TryRead(out var marker) || !TryReadLine(ref reader, out var line))
        {
            return false;
        }

        switch (marker)
        {
            case (byte)'+' or (byte)'-' or (byte)':':
                return true;
            case (byte)'$':
                var length = ParseLength(line, MaxBulkLength);
                if (length < 0)
                {
                    return true;
                }

                if (reader.Remaining < length + 2)
                {
                    return false;
                }

                reader.Advance(length + 2);
                return true;
            case (byte)'*':
                if (depth >= MaxDepth)
                {
                    throw ProtocolError("arrays nested too deeply");
                }

                var count = ParseLength(line, int.MaxValue);
                for (long i = 0; i < count; i++)
                {
                    if (!TrySkip(ref reader, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                throw ProtocolError($"unexpected type marker 0x{marker:x2}");
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line) =>
        reader.TryReadTo(out line, "\r\n"u8, advancePastDelimiter: true);

    private static RespValue ReadSimpleString(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual("OK"u8))
            {
                return s_ok;
            }

            if (span.SequenceEqual("PONG"u8))
            {
                return s_pong;
            }

            if (span.SequenceEqual("QUEUED"u8))
            {
                return s_queued;
            }
        }

        return RespValue.SimpleString(Encoding.UTF8.GetString(line));
    }

    private static long ParseInteger(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return ParseInteger(line.FirstSpan);
        }

        // Header lines are short (a sign and at most 19 digits); one split across two segments is copied to the stack.
        Span<byte> copy = stackalloc byte[24];
        if (line.Length > copy.Length)
        {
            throw ProtocolError("integer line too long");
        }

        line.CopyTo(copy);
        return ParseInteger(copy[..(int)line.Length]);
    }

    private static long ParseInteger(ReadOnlySpan<byte> digits)
    {
        if (!Utf8Parser.TryParse(digits, out long value, out var consumed) || consumed != digits.Length)
        {
            throw ProtocolError("malformed integer");
        }

        return value;
    }

    private static long ParseLength(in ReadOnlySequence<byte> line, long max)
    {
        var length = ParseInteger(line);
        if (length < -1 || length > max)
        {
            throw ProtocolError($"length {length} out of range");
        }

        return length;
    }

    private static void ExpectCrLf(ref SequenceReader<byte> reader)
    {
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw ProtocolError("bulk string not terminated by CR LF");
        }
    }

    private static RedisConnectionException ProtocolError(string detail) =>
        new($"Redis protocol error: {detail}. The connection is closed and reopened.");
}
