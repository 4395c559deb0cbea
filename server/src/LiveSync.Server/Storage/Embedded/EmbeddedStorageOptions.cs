namespace LiveSync.Server.Storage.Embedded;

/// <summary>Options of the embedded, file-based op log (<see cref="FileOpLog"/>).</summary>
public sealed class EmbeddedStorageOptions
{
    /// <summary>
    /// The directory that holds the op logs and snapshots. Created when missing. Only one LiveSync process may use a
    /// directory at a time: it holds a lock file in it for its lifetime. Default <c>./data</c> (relative to the
    /// working directory).
    /// </summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>How durable an append is when it returns. Default <see cref="EmbeddedDurability.Always"/>.</summary>
    public EmbeddedDurability Durability { get; set; } = EmbeddedDurability.Always;

    /// <summary>
    /// With <see cref="EmbeddedDurability.Batched"/>, how often written ops are fsynced: the most acknowledged
    /// history a power loss can take. Ignored otherwise. Must be positive. Default 1 second.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many documents keep an open log file and an in-memory index at a time; the least recently used idle
    /// ones are closed beyond this, and re-read from disk on their next use. Bounds the file descriptors the log
    /// holds. At least 1. Default 1000.
    /// </summary>
    public int MaxOpenDocuments { get; set; } = 1000;

    /// <summary>How many of a document's latest snapshots are kept on disk; older ones are deleted. At least 1. Default 3.</summary>
    public int SnapshotsKept { get; set; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir))
        {
            throw new ArgumentException("EmbeddedStorageOptions.DataDir must name a directory.", nameof(DataDir));
        }

        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(Durability), Durability, "EmbeddedStorageOptions.Durability is not a known value.");
        }

        if (FlushInterval <= TimeSpan.Zero || FlushInterval.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "EmbeddedStorageOptions.FlushInterval must be positive and under 24 days.");
        }

        if (MaxOpenDocuments < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOpenDocuments), MaxOpenDocuments, "EmbeddedStorageOptions.MaxOpenDocuments must be at least 1.");
        }

        if (SnapshotsKept < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SnapshotsKept), SnapshotsKept, "EmbeddedStorageOptions.SnapshotsKept must be at least 1.");
        }
    }
}
