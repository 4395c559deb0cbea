using System.Security.Cryptography;
using System.Text;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// Where a document's files live under the data directory: <c>docs/&lt;shard&gt;/&lt;folder&gt;/</c>, with
/// <c>ops.log</c> and <c>snap-&lt;v&gt;.snap</c> files in the folder.
/// <para>
/// The shard is two lower-case hex digits (the low byte of the id's CRC-32C), so no directory holds more than
/// about 1/256 of the documents. The folder name is the id escaped so it is safe on case-insensitive file systems
/// and on Windows, and reversible:
/// </para>
/// <list type="bullet">
/// <item><c>a-z 0-9 - .</c> stay as they are, except a last <c>.</c> (Windows drops trailing dots), which is <c>_.</c>;</item>
/// <item>an upper-case letter is <c>_</c> and the lower-case letter (<c>Doc</c> is <c>_doc</c>), and <c>_</c> is <c>__</c>;</item>
/// <item><c>:</c> is <c>+</c>;</item>
/// <item>a name whose part before the first dot is a Windows device name (<c>con</c>, <c>nul</c>, <c>com1</c>, ...)
/// starts with <c>_-</c>, which decodes to nothing;</item>
/// <item>a name over <see cref="MaxEscapedLength"/> characters (an id of many capitals) keeps its first 80 characters
/// and ends with <c>_=</c> and 16 hex digits of the id's SHA-256; it does not decode, but the log header and every
/// snapshot store the id, which is checked when they are read.</item>
/// </list>
/// Escaped names contain no upper-case letters, so two ids never map to names that differ only in case.
/// </summary>
internal static class DocumentPaths
{
    /// <summary>The folder under the data directory that holds the shards.</summary>
    public const string DocumentsFolder = "docs";

    /// <summary>The op log's file name inside a document's folder.</summary>
    public const string LogFileName = "ops.log";

    /// <summary>Escaped names longer than this are shortened and suffixed with a hash.</summary>
    public const int MaxEscapedLength = 120;

    private const int ShortenedPrefixLength = 80;

    private static readonly string[] s_windowsDeviceNames =
    [
        "con", "prn", "aux", "nul",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    /// <summary>The document's folder, relative to the data directory.</summary>
    public static string RelativeFolderOf(string docId) =>
        Path.Combine(DocumentsFolder, ShardOf(docId), FolderNameOf(docId));

    /// <summary>Two lower-case hex digits spreading documents over 256 shard folders.</summary>
    public static string ShardOf(string docId)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(docId.Length)];
        var length = Encoding.UTF8.GetBytes(docId, utf8);
        return (Crc32C.Compute(utf8[..length]) & 0xFF).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The escaped folder name of a valid document id (see the type's summary).</summary>
    public static string FolderNameOf(string docId)
    {
        var name = new StringBuilder(docId.Length + 8);
        for (var i = 0; i < docId.Length; i++)
        {
            var c = docId[i];
            if (char.IsAsciiLetterUpper(c))
            {
                name.Append('_').Append(char.ToLowerInvariant(c));
            }
            else if (c == '_')
            {
                name.Append("__");
            }
            else if (c == ':')
            {
                name.Append('+');
            }
            else if (c == '.' && i == docId.Length - 1)
            {
                name.Append("_.");
            }
            else
            {
                name.Append(c);
            }
        }

        var escaped = name.ToString();
        var dot = escaped.IndexOf('.', StringComparison.Ordinal);
        var stem = dot < 0 ? escaped : escaped[..dot];
        if (Array.IndexOf(s_windowsDeviceNames, stem) >= 0)
        {
            escaped = "_-" + escaped;
        }

        if (escaped.Length > MaxEscapedLength)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(docId));
            escaped = string.Concat(escaped.AsSpan(0, ShortenedPrefixLength), "_=", Convert.ToHexStringLower(hash, 0, 8));
        }

        return escaped;
    }

    /// <summary>The document id a folder name stands for, or null for a shortened (hashed) or malformed name.</summary>
    public static string? TryDecodeFolderName(string name)
    {
        var id = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '+')
            {
                id.Append(':');
                continue;
            }

            if (c != '_')
            {
                id.Append(c);
                continue;
            }

            if (++i == name.Length)
            {
                return null;
            }

            var next = name[i];
            if (char.IsAsciiLetterLower(next))
            {
                id.Append(char.ToUpperInvariant(next));
            }
            else if (next is '_' or '.')
            {
                id.Append(next);
            }
            else if (next != '-')
            {
                return null;
            }
        }

        return id.ToString();
    }
}
