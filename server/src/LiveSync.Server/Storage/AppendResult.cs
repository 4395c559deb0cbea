namespace LiveSync.Server.Storage;

/// <summary>
/// The outcome of a conditional append. A lost race is an expected result, not an exception: the caller
/// re-reads from <see cref="Head"/> and tries again.
/// </summary>
/// <param name="Appended">True when the ops were written; false when the log's head was not the expected version.</param>
/// <param name="Head">The log's head after the call: the last appended version, or the version that won the race.</param>
public readonly record struct AppendResult(bool Appended, long Head)
{
    /// <summary>The ops were appended; the head is now <paramref name="head"/>.</summary>
    public static AppendResult Success(long head) => new(true, head);

    /// <summary>The head was <paramref name="head"/>, not the expected version; nothing was written.</summary>
    public static AppendResult Conflict(long head) => new(false, head);
}
