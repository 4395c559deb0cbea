using System.Buffers.Binary;
using System.Text;
using LiveSync.Protocol;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// The byte layout of a document's op log, <c>ops.log</c>. All integers are little-endian.
/// <code>
/// file   = header record*
/// header = "LSOPLOG1" (8 bytes) | u16 idLength | docId (UTF-8) | u32 crc32c(all the header's preceding bytes)
/// record = u32 bodyLength | u32 crc32c(bodyLength's 4 bytes, body) | body
/// body   = u8 kind (1 = op) | i64 v | i64 seq | i64 baseV | i64 ts | u16 clientIdLength | clientId (UTF-8) | payload
/// </code>
/// The payload runs to the end of the body and is the op's bytes exactly as given. Records are only appended, in
/// version order, the first being v = 1. The checksum covers the length, so a torn or overwritten length is caught
/// like a torn body. A record that is cut short or fails its checksum at the end of the file is a write that never
/// completed (it was never acknowledged) and is cut off when the log is opened; one followed by valid records is
/// corruption and is reported.
/// </summary>
internal static class LogFormat
{
    /// <summary>The record kind of an op. Other values are reserved.</summary>
    public const byte OpKind = 1;

    /// <summary>Bytes before a record's body: its length and checksum.</summary>
    public const int FrameHeaderSize = 8;

    /// <summary>The body's fixed part: kind, v, seq, baseV, ts and the client id's length.</summary>
    public const int OpFixedSize = 1 + (4 * 8) + 2;

    /// <summary>The smallest valid record, header included.</summary>
    public const int MinFrameSize = FrameHeaderSize + OpFixedSize;

    /// <summary>
    /// The largest body a record may have. Far above any sensible op limit; it bounds what a corrupt length can make
    /// a reader allocate.
    /// </summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    private const int MaxIdBytes = 1024;

    private static ReadOnlySpan<byte> Magic => "LSOPLOG1"u8;

    /// <summary>What <see cref="ReadHeader"/> found.</summary>
    public enum HeaderStatus
    {
        /// <summary>A whole header with a good checksum, naming the expected document.</summary>
        Valid,

        /// <summary>Fewer bytes than a header needs, or a bad checksum: a creation that never completed, or damage.</summary>
        Invalid,

        /// <summary>A good header naming another document.</summary>
        WrongDocument,
    }

    /// <summary>The header's size for <paramref name="docId"/>.</summary>
    public static int HeaderSize(string docId) => Magic.Length + 2 + Encoding.UTF8.GetByteCount(docId) + 4;

    /// <summary>Writes the header into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, string docId)
    {
        Magic.CopyTo(destination);
        var idLength = Encoding.UTF8.GetBytes(docId, destination[(Magic.Length + 2)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[Magic.Length..], checked((ushort)idLength));
        var crcAt = Magic.Length + 2 + idLength;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[crcAt..], Crc32C.Compute(destination[..crcAt]));
        return crcAt + 4;
    }

    /// <summary>Reads the header at the start of <paramref name="source"/>; <paramref name="length"/> is its size when valid.</summary>
    public static HeaderStatus ReadHeader(ReadOnlySpan<byte> source, string docId, out int length)
    {
        length = 0;
        if (source.Length < Magic.Length + 2 || !source.StartsWith(Magic))
        {
            return HeaderStatus.Invalid;
        }

        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(source[Magic.Length..]);
        var crcAt = Magic.Length + 2 + idLength;
        if (idLength > MaxIdBytes || source.Length < crcAt + 4 ||
            BinaryPrimitives.ReadUInt32LittleEndian(source[crcAt..]) != Crc32C.Compute(source[..crcAt]))
        {
            return HeaderStatus.Invalid;
        }

        length = crcAt + 4;
        var id = source.Slice(Magic.Length + 2, idLength);
        return Encoding.UTF8.GetString(id) == docId ? HeaderStatus.Valid : HeaderStatus.WrongDocument;
    }

    /// <summary>
    /// The size of <paramref name="op"/>'s record. Throws <c>too_large</c> when its body would be over
    /// <see cref="MaxBodySize"/>, and <see cref="ArgumentException"/> for a client id over 65535 UTF-8 bytes.
    /// </summary>
    public static int FrameSize(StoredOp op)
    {
        var clientIdBytes = Encoding.UTF8.GetByteCount(op.ClientId);
        if (clientIdBytes > ushort.MaxValue)
        {
            throw new ArgumentException("A client id is at most 65535 UTF-8 bytes.", nameof(op));
        }

        var body = (long)OpFixedSize + clientIdBytes + op.Payload.Length;
        if (body > MaxBodySize)
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"an op of {op.Payload.Length} bytes is over the storage limit of {MaxBodySize} bytes");
        }

        return FrameHeaderSize + (int)body;
    }

    /// <summary>Writes <paramref name="op"/>'s record (exactly <see cref="FrameSize"/> bytes); returns its length.</summary>
    public static int WriteOpFrame(Span<byte> destination, StoredOp op)
    {
        var body = destination[FrameHeaderSize..];
        body[0] = OpKind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], op.V);
        BinaryPrimitives.WriteInt64LittleEndian(body[9..], op.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(body[17..], op.BaseV);
        BinaryPrimitives.WriteInt64LittleEndian(body[25..], op.Ts);
        var clientIdLength = Encoding.UTF8.GetBytes(op.ClientId, body[OpFixedSize..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[33..], (ushort)clientIdLength);
        op.Payload.Span.CopyTo(body[(OpFixedSize + clientIdLength)..]);

        var bodyLength = OpFixedSize + clientIdLength + op.Payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Checksum(destination[..4], body[..bodyLength]));
        return FrameHeaderSize + bodyLength;
    }

    /// <summary>The record checksum: CRC-32C over the length's 4 bytes, then the body.</summary>
    public static uint Checksum(ReadOnlySpan<byte> lengthBytes, ReadOnlySpan<byte> body) =>
        Crc32C.Append(Crc32C.Compute(lengthBytes), body);

    /// <summary>True when a body length read from a record header can be a valid body's.</summary>
    public static bool IsPlausibleBodyLength(uint bodyLength) => bodyLength is >= OpFixedSize and <= MaxBodySize;

    /// <summary>The version of an op body (already checked).</summary>
    public static long ReadVersion(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadInt64LittleEndian(body[1..]);

    /// <summary>The index fields of an op body: v, seq and the client id's UTF-8 bytes. False when the body is malformed.</summary>
    public static bool TryReadIndexFields(ReadOnlySpan<byte> body, out long v, out long seq, out ReadOnlySpan<byte> clientId)
    {
        v = seq = 0;
        clientId = default;
        if (body.Length < OpFixedSize || body[0] != OpKind)
        {
            return false;
        }

        int clientIdLength = BinaryPrimitives.ReadUInt16LittleEndian(body[33..]);
        if (OpFixedSize + clientIdLength > body.Length)
        {
            return false;
        }

        v = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
        seq = BinaryPrimitives.ReadInt64LittleEndian(body[9..]);
        clientId = body.Slice(OpFixedSize, clientIdLength);
        return true;
    }

    /// <summary>Decodes a whole op body into a <see cref="StoredOp"/> with its own copy of the payload.</summary>
    public static StoredOp ReadOp(ReadOnlySpan<byte> body)
    {
        if (!TryReadIndexFields(body, out var v, out var seq, out var clientId))
        {
            throw new InvalidDataException("malformed op record");
        }

        var baseV = BinaryPrimitives.ReadInt64LittleEndian(body[17..]);
        var ts = BinaryPrimitives.ReadInt64LittleEndian(body[25..]);
        var payload = body[(OpFixedSize + clientId.Length)..].ToArray();
        return new StoredOp(v, Encoding.UTF8.GetString(clientId), seq, baseV, ts, payload);
    }

    /// <summary>
    /// Looks for a whole, valid op record anywhere in <paramref name="region"/> (bytes that follow a bad record)
    /// with a version above <paramref name="afterVersion"/>; returns its index or -1. Its presence tells damage in
    /// the middle of a log from a torn tail. The version window is checked before the checksum, so scanning
    /// garbage costs little.
    /// </summary>
    public static int FindValidRecord(ReadOnlySpan<byte> region, long afterVersion)
    {
        var maxVersion = afterVersion + (region.Length / MinFrameSize) + 1;
        for (var i = 0; i + MinFrameSize <= region.Length; i++)
        {
            var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(region[i..]);
            if (!IsPlausibleBodyLength(bodyLength) || bodyLength > region.Length - i - FrameHeaderSize)
            {
                continue;
            }

            var body = region.Slice(i + FrameHeaderSize, (int)bodyLength);
            if (body[0] != OpKind)
            {
                continue;
            }

            var v = ReadVersion(body);
            if (v > afterVersion && v <= maxVersion &&
                BinaryPrimitives.ReadUInt32LittleEndian(region[(i + 4)..]) == Checksum(region.Slice(i, 4), body))
            {
                return i;
            }
        }

        return -1;
    }
}
