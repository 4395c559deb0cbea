using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>Something a document's sequencer loop does in order with everything else for that document.</summary>
internal abstract class WorkItem
{
    public abstract void Fail(Exception error);
}

/// <summary>Sequence one submission.</summary>
internal sealed class SubmitWork(Submission submission) : WorkItem
{
    public Submission Submission { get; } = submission;

    /// <summary>
    /// Completed by the sequencer, which runs the caller's continuation (the hub writing its reply) on the spot
    /// rather than handing each submitter's reply to the thread pool: a hop and often a thread wake-up less per op.
    /// Continuations of a submission never block.
    /// </summary>
    public TaskCompletionSource<SubmitOutcome> Completion { get; } = new();

    public override void Fail(Exception error) => Completion.TrySetException(error);
}

/// <summary>Read the document's state, first catching up with the store when <see cref="Refresh"/> is set.</summary>
internal sealed class ReadWork(bool refresh) : WorkItem
{
    public bool Refresh { get; } = refresh;

    public TaskCompletionSource<DocumentState> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception error) => Completion.TrySetException(error);
}
