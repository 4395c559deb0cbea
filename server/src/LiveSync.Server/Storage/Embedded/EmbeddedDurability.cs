namespace LiveSync.Server.Storage.Embedded;

/// <summary>How durable an append to the embedded op log is when <see cref="IOpLog.AppendAsync"/> returns.</summary>
public enum EmbeddedDurability
{
    /// <summary>
    /// The default. The ops are on stable storage (fsynced) before the append returns, so they survive a power
    /// loss. Concurrent appends share flushes (group commit): one flusher syncs every file written since its last
    /// round and completes all their waiters, and an append that finds the flusher idle is flushed at once.
    /// </summary>
    Always = 0,

    /// <summary>
    /// The ops are written to the operating system before the append returns, so they survive the process being
    /// killed (even <c>kill -9</c>), and are fsynced every <see cref="EmbeddedStorageOptions.FlushInterval"/>:
    /// a power loss or kernel crash can lose up to that much acknowledged history.
    /// </summary>
    Batched = 1,

    /// <summary>
    /// The ops are written to the operating system and never explicitly fsynced: the operating system decides
    /// when they reach the disk. For tests and throwaway data.
    /// </summary>
    None = 2,
}
