using System.ComponentModel.DataAnnotations;
using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server;

/// <summary>
/// Settings of a LiveSync server, bound from the <c>LiveSync</c> configuration section. Limits are validated when
/// the server starts.
/// </summary>
public sealed class LiveSyncOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LiveSync";

    /// <summary>The embedded store's data directory. Default <c>./data</c>. Ignored when another store is configured.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    /// <summary>How the embedded store makes an append durable before it is acknowledged. Default <see cref="EmbeddedDurability.Always"/> (fsync with group commit).</summary>
    public EmbeddedDurability Durability { get; set; } = EmbeddedDurability.Always;

    /// <summary>The largest op, as encoded JSON, in bytes. Default 64 KiB. Larger ops are <c>too_large</c>.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxOpBytes { get; set; } = 64 * 1024;

    /// <summary>The largest document, in its type's units (code points for text). Default 4 Mi. Larger results are <c>too_large</c>.</summary>
    [Range(1024, int.MaxValue)]
    public long MaxDocumentSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest presence value, as encoded JSON, in bytes. Default 4 KiB.</summary>
    [Range(16, 1024 * 1024)]
    public int MaxPresenceBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// A snapshot is stored every this many versions of a document. Default 100. A document over 128 Ki in its type's
    /// size (code points for text) is snapshotted less often: the interval doubles with each doubling of its size.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SnapshotInterval { get; set; } = 100;

    /// <summary>The most submissions of one document sequenced and appended in one storage round trip. Default 128.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 128;

    /// <summary>
    /// How many times a batch is re-sequenced after losing an append race to another server (with a short random
    /// back-off from the second loss) before its submissions are answered <c>unavailable</c>. Default 32.
    /// </summary>
    [Range(1, 100)]
    public int MaxAppendAttempts { get; set; } = 32;

    /// <summary>How many recent ops of each loaded document are kept in memory for transforms. Default 256.</summary>
    [Range(1, 100_000)]
    public int RecentOpsCached { get; set; } = 256;

    /// <summary>A document unused for this long is unloaded from memory. Default 5 minutes.</summary>
    public TimeSpan IdleDocumentTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the server pings a connection that has had nothing else to receive, so the client can tell the server
    /// is alive. Default 5 seconds.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A connection that sends nothing (not even a ping) for this long is closed and its presence cleared. Default
    /// 30 seconds: stock SignalR clients ping every 15 seconds, so less would drop idle clients. A connection that
    /// closes cleanly, or whose TCP connection breaks, is cleared at once.
    /// </summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
