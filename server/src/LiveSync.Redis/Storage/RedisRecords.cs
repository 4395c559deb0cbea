using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LiveSync.Redis.Resp;
using LiveSync.Server.Storage;

namespace LiveSync.Redis.Storage;

/// <summary>
/// The value formats the Redis op log stores, read and written here (key names are in <see cref="RedisKeys"/>).
/// </summary>
/// <remarks>
/// <code>
/// stream entry   id "{v}-0"; fields c, s, b, t, p, h (see RedisKeys), numbers as decimal text, p as raw bytes
/// rolling hash   h(v) = first 16 hex digits of SHA1( h(v-1) "\n" v "\n" c "\n" s "\n" b "\n" t "\n" p ), h(0) = ""
///                computed by the append script; a reader recomputes it to catch a divergent or edited entry
///                at the first bad version
/// seqs value     "{seq}:{v}"
/// snapshot       UTF-8 type name (empty when the document did not exist) "\n" then the snapshot data bytes
/// </code>
/// </remarks>
internal static class RedisRecords
{
    /// <summary>The length of a rolling hash in hex digits.</summary>
    public const int HashLength = 16;

    /// <summary>Encodes a snapshot as the snaps hash stores it.</summary>
    public static byte[] EncodeSnapshot(StoredSnapshot snapshot)
    {
        var typeBytes = snapshot.Type is null ? 0 : Encoding.UTF8.GetByteCount(snapshot.Type);
        var bytes = new byte[typeBytes + 1 + snapshot.Data.Length];
        if (snapshot.Type is not null)
        {
            Encoding.UTF8.GetBytes(snapshot.Type, bytes);
        }

        bytes[typeBytes] = (byte)'\n';
        snapshot.Data.Span.CopyTo(bytes.AsSpan(typeBytes + 1));
        return bytes;
    }

    /// <summary>Decodes a stored snapshot at <paramref name="v"/>; null when it is not in this format.</summary>
    public static StoredSnapshot? DecodeSnapshot(long v, ReadOnlyMemory<byte> value)
    {
        var newline = value.Span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return null;
        }

        var type = newline == 0 ? null : Encoding.UTF8.GetString(value.Span[..newline]);
        return new StoredSnapshot(v, type, value[(newline + 1)..]);
    }

    /// <summary>Parses a seqs hash value, <c>{seq}:{v}</c>.</summary>
    public static ClientSeq? ParseClientSeq(ReadOnlySpan<byte> value)
    {
        var colon = value.IndexOf((byte)':');
        return colon > 0
            && Utf8Parser.TryParse(value[..colon], out long seq, out var a) && a == colon
            && Utf8Parser.TryParse(value[(colon + 1)..], out long v, out var b) && b == value.Length - colon - 1
            ? new ClientSeq(seq, v)
            : null;
    }

    /// <summary>
    /// Parses one XRANGE entry (<c>[id, [field, value, ...]]</c>) into the op and its stored rolling hash; false when
    /// the entry is not one the append script wrote.
    /// </summary>
    public static bool TryParseEntry(RespValue entry, out StoredOp op, out string hash)
    {
        op = null!;
        hash = "";
        if (entry.Type != RespType.Array || entry.Length != 2 || !RedisKeys.TryParseEntryId(entry[0].AsBytes().Span, out var v))
        {
            return false;
        }

        var fields = entry[1];
        if (fields.Type != RespType.Array)
        {
            return false;
        }

        string? clientId = null;
        long? seq = null, baseV = null, ts = null;
        ReadOnlyMemory<byte>? payload = null;
        string? h = null;
        var items = fields.Elements.Span;
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            var value = items[i + 1];
            switch (items[i].AsString())
            {
                case RedisKeys.ClientField:
                    clientId = value.AsString();
                    break;
                case RedisKeys.SeqField:
                    seq = ParseNumber(value);
                    break;
                case RedisKeys.BaseField:
                    baseV = ParseNumber(value);
                    break;
                case RedisKeys.TsField:
                    ts = ParseNumber(value);
                    break;
                case RedisKeys.PayloadField:
                    payload = value.AsBytes();
                    break;
                case RedisKeys.HashField:
                    h = value.AsString();
                    break;
            }
        }

        if (clientId is null || seq is null || baseV is null || ts is null || payload is null || h is null)
        {
            return false;
        }

        op = new StoredOp(v, clientId, seq.Value, baseV.Value, ts.Value, payload.Value);
        hash = h;
        return true;
    }

    /// <summary>The rolling hash after <paramref name="op"/>, given the hash before it; the same as the append script's.</summary>
    public static string RollingHash(string previous, StoredOp op)
    {
        var header = string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{previous}\n{op.V}\n{op.ClientId}\n{op.Seq}\n{op.BaseV}\n{op.Ts}\n");
        var headerLength = Encoding.UTF8.GetByteCount(header);
        var buffer = ArrayPool<byte>.Shared.Rent(headerLength + op.Payload.Length);
        try
        {
            Encoding.UTF8.GetBytes(header, buffer);
            op.Payload.Span.CopyTo(buffer.AsSpan(headerLength));
            Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
            SHA1.HashData(buffer.AsSpan(0, headerLength + op.Payload.Length), digest);
            return Convert.ToHexStringLower(digest[..(HashLength / 2)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long? ParseNumber(RespValue value) =>
        value.Type == RespType.BulkString && !value.IsNull && Utf8Parser.TryParse(value.AsBytes().Span, out long n, out var used) && used == value.AsBytes().Length
            ? n
            : null;
}
