namespace LiveSync.Redis.Storage;

/// <summary>
/// Every Redis key the op log uses, built here and nowhere else. All keys of one document carry the hash tag
/// <c>{docId}</c>, so they sit in one Redis Cluster slot and one Lua script may touch them all. Document ids cannot
/// contain <c>{</c> or <c>}</c> (the id rule allows <c>A-Z a-z 0-9 . _ : -</c>), so the tag is always the whole id.
/// </summary>
/// <remarks>
/// With the default prefix <c>livesync:</c>, document <c>notes:42</c> has:
/// <code>
/// livesync:{notes:42}:ops    stream  one entry per version, id "{v}-0"; fields below
/// livesync:{notes:42}:meta   hash    v (head version), first (lowest kept version), epoch (random id given when the
///                                    document's log was started), h (rolling hash at the head)
/// livesync:{notes:42}:seqs   hash    client id -> "{seq}:{v}": the client's last seq and the version it produced
/// livesync:{notes:42}:snaps  hash    "{v}" -> snapshot at that version (see RedisRecords); the newest few kept
/// </code>
/// Stream entry fields, in the order written: <c>c</c> client id, <c>s</c> seq, <c>b</c> base version, <c>t</c>
/// server time (ms since the Unix epoch), <c>p</c> the stored op bytes, <c>h</c> the rolling hash of the log up to
/// this version (16 hex digits; see <see cref="RedisRecords.RollingHash"/>). Versions, not stream ids, are what
/// clients see; the id is only the version spelled the way a stream wants it.
/// </remarks>
internal sealed class RedisKeys
{
    /// <summary>Stream field: the submitting client's id.</summary>
    public const string ClientField = "c";

    /// <summary>Stream field: the client's seq.</summary>
    public const string SeqField = "s";

    /// <summary>Stream field: the version the client made the op against.</summary>
    public const string BaseField = "b";

    /// <summary>Stream field: server time of sequencing, ms since the Unix epoch.</summary>
    public const string TsField = "t";

    /// <summary>Stream field: the op's stored bytes, byte for byte.</summary>
    public const string PayloadField = "p";

    /// <summary>Stream field: the rolling hash of the log up to this entry.</summary>
    public const string HashField = "h";

    private readonly string _prefix;

    /// <summary>Keys under <paramref name="prefix"/> (e.g. <c>livesync:</c>); an empty prefix is allowed.</summary>
    public RedisKeys(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        _prefix = prefix;
    }

    /// <summary>The document's op stream.</summary>
    public string Ops(string docId) => Build(docId, ":ops");

    /// <summary>The document's head, first kept version, epoch and head hash.</summary>
    public string Meta(string docId) => Build(docId, ":meta");

    /// <summary>The document's per-client last seq and version.</summary>
    public string Seqs(string docId) => Build(docId, ":seqs");

    /// <summary>The document's snapshots by version.</summary>
    public string Snapshots(string docId) => Build(docId, ":snaps");

    /// <summary>The stream entry id of version <paramref name="v"/>.</summary>
    public static string EntryId(long v) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v}-0");

    /// <summary>The version of a stream entry id written by <see cref="EntryId"/>; false for any other id.</summary>
    public static bool TryParseEntryId(ReadOnlySpan<byte> id, out long v)
    {
        v = 0;
        if (id.Length < 3 || id[^1] != (byte)'0' || id[^2] != (byte)'-')
        {
            return false;
        }

        return System.Buffers.Text.Utf8Parser.TryParse(id[..^2], out v, out var consumed) && consumed == id.Length - 2 && v > 0;
    }

    private string Build(string docId, string suffix) => string.Concat(_prefix, "{", docId, "}", suffix);
}
