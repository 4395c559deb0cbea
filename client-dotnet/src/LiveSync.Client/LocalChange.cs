using LiveSync.Protocol.Messages;

namespace LiveSync.Client;

/// <summary>
/// A change made locally and not yet confirmed: pending (queued, possibly composed with later changes) or in
/// flight (sent, with its (client id, seq) fixed). Exactly one of <see cref="Op"/>, <see cref="Create"/> or
/// <see cref="Delete"/>. Only touched under its document's lock.
/// </summary>
internal sealed class LocalChange
{
    /// <summary>
    /// The op in the type's in-memory form, kept rebased so it applies after every op the document has applied;
    /// a raw <see cref="System.Text.Json.JsonElement"/> for a type this build cannot apply.
    /// </summary>
    public object? Op { get; set; }

    public CreateSpec? Create { get; init; }

    public bool Delete { get; init; }

    /// <summary>For a create made by "open, creating if missing": losing the race to another creator is no error.</summary>
    public bool IgnoreAlreadyExists { get; init; }

    /// <summary>
    /// What was sent, set when the change goes in flight. A resubmission sends exactly this again, same seq and
    /// same base version: the server either recognizes it or transforms it from that version as the first time.
    /// </summary>
    public Submission? Submission { get; set; }

    /// <summary>The callers awaiting this change (several when changes were composed).</summary>
    public List<TaskCompletionSource<long>> Waiters { get; } = [];

    public bool IsOp => Create is null && !Delete;

    public void Complete(long version)
    {
        foreach (var waiter in Waiters)
        {
            waiter.TrySetResult(version);
        }
    }

    public void Fail(Exception error)
    {
        foreach (var waiter in Waiters)
        {
            waiter.TrySetException(error);
        }
    }
}
