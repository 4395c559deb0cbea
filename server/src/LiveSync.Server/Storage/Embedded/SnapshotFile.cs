using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// One snapshot file, <c>snap-&lt;v, 19 digits&gt;.snap</c> in the document's folder; little-endian:
/// <code>
/// "LSSNAP01" (8 bytes) | u16 idLength | docId (UTF-8) | i64 v | i32 typeLength (-1: no type) | type (UTF-8)
///   | i32 dataLength | data | u32 crc32c(all the preceding bytes)
/// </code>
/// Written to <c>snap-&lt;v&gt;.tmp</c>, fsynced and renamed, so a snapshot file is whole or absent; leftover
/// <c>.tmp</c> files are deleted when the document is opened.
/// </summary>
internal static class SnapshotFile
{
    private const string Prefix = "snap-";
    private const string Extension = ".snap";
    private const string TempExtension = ".tmp";

    private static ReadOnlySpan<byte> Magic => "LSSNAP01"u8;

    /// <summary>The file name of the snapshot at <paramref name="v"/>.</summary>
    public static string FileName(long v) => Prefix + v.ToString("D19", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The temporary file name a snapshot is written under before its rename.</summary>
    public static string TempFileName(long v) => Prefix + v.ToString("D19", CultureInfo.InvariantCulture) + TempExtension;

    /// <summary>The version a snapshot file name stands for, or false for other files.</summary>
    public static bool TryParseFileName(string fileName, out long v)
    {
        v = 0;
        return fileName.StartsWith(Prefix, StringComparison.Ordinal) &&
               fileName.EndsWith(Extension, StringComparison.Ordinal) &&
               long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }

    /// <summary>True for a temporary snapshot file left by a write that never completed.</summary>
    public static bool IsTempFileName(string fileName) =>
        fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(TempExtension, StringComparison.Ordinal);

    /// <summary>The file's bytes for <paramref name="snapshot"/> of <paramref name="docId"/>.</summary>
    public static byte[] Encode(string docId, StoredSnapshot snapshot)
    {
        var idLength = Encoding.UTF8.GetByteCount(docId);
        var typeLength = snapshot.Type is null ? 0 : Encoding.UTF8.GetByteCount(snapshot.Type);
        var bytes = new byte[Magic.Length + 2 + idLength + 8 + 4 + typeLength + 4 + snapshot.Data.Length + 4];
        var span = bytes.AsSpan();

        Magic.CopyTo(span);
        var at = Magic.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], checked((ushort)idLength));
        at += 2;
        at += Encoding.UTF8.GetBytes(docId, span[at..]);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], snapshot.V);
        at += 8;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], snapshot.Type is null ? -1 : typeLength);
        at += 4;
        if (snapshot.Type is not null)
        {
            at += Encoding.UTF8.GetBytes(snapshot.Type, span[at..]);
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], snapshot.Data.Length);
        at += 4;
        snapshot.Data.Span.CopyTo(span[at..]);
        at += snapshot.Data.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span[..at]));
        return bytes;
    }

    /// <summary>Decodes a snapshot file; false when it is damaged or belongs to another document.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, string docId, out StoredSnapshot? snapshot)
    {
        snapshot = null;
        if (bytes.Length < Magic.Length + 2 + 8 + 4 + 4 + 4 || !bytes.StartsWith(Magic) ||
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != Crc32C.Compute(bytes[..^4]))
        {
            return false;
        }

        var body = bytes[..^4];
        var at = Magic.Length;
        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
        at += 2;
        if (body.Length < at + idLength + 12 || Encoding.UTF8.GetString(body.Slice(at, idLength)) != docId)
        {
            return false;
        }

        at += idLength;
        var v = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
        at += 8;
        var typeLength = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        string? type = null;
        if (typeLength < -1)
        {
            return false;
        }

        if (typeLength >= 0)
        {
            if (body.Length < at + typeLength + 4)
            {
                return false;
            }

            type = Encoding.UTF8.GetString(body.Slice(at, typeLength));
            at += typeLength;
        }

        if (body.Length < at + 4)
        {
            return false;
        }

        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        if (dataLength < 0 || body.Length != at + dataLength)
        {
            return false;
        }

        snapshot = new StoredSnapshot(v, type, body.Slice(at, dataLength).ToArray());
        return true;
    }
}
