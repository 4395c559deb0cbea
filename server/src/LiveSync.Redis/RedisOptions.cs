using System.ComponentModel.DataAnnotations;

namespace LiveSync.Redis;

/// <summary>
/// Settings of the Redis op log, bound from the <c>LiveSync:RedisStorage</c> configuration section (the connection
/// string itself is <c>LiveSync:Redis</c>, passed to <c>AddRedis</c>). Validated when the server starts.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "LiveSync:RedisStorage";

    /// <summary>
    /// Where Redis is: <c>host:port</c> followed by optional <c>,password=...</c>, <c>,user=...</c>, <c>,db=N</c>,
    /// <c>,connectTimeout=ms</c>, <c>,commandTimeout=ms</c>. Set by <c>AddRedis</c>. No default.
    /// </summary>
    [Required]
    public string Configuration { get; set; } = "";

    /// <summary>
    /// Prepended to every key, so several LiveSync deployments (or other applications) can share one Redis.
    /// Default <c>livesync:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "livesync:";

    /// <summary>
    /// How many ops are kept below a document's newest snapshot; older ones are trimmed from its stream when a
    /// snapshot is stored. A client whose base version is older than what is kept gets <c>history_unavailable</c>.
    /// Default null: the full history is kept.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long? RetainedVersions { get; set; }

    /// <summary>How many of a document's newest snapshots are kept. Default 3.</summary>
    [Range(1, 1000)]
    public int SnapshotsKept { get; set; } = 3;

    /// <summary>
    /// How long an append whose reply was lost (connection dropped, timeout) is retried to learn whether it was
    /// stored before the submission fails with <c>unavailable</c> (a resubmission with the same seq is then safe:
    /// it is never stored twice). Default 10 seconds.
    /// </summary>
    public TimeSpan AppendResolveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the server keeps trying to reach Redis at start-up before it refuses to start. Default 30 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait between reconnect attempts after the connection to Redis drops; until it is back, storage
    /// calls fail at once with <c>unavailable</c>. Default 1 second.
    /// </summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(1);
}
