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

    public TaskCompletionSource<SubmitOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception error) => Completion.TrySetException(error);
}

/// <summary>Read the document's state, first catching up with the store when <see cref="Refresh"/> is set.</summary>
internal sealed class ReadWork(bool refresh) : WorkItem
{
    public bool Refresh { get; } = refresh;

    public TaskCompletionSource<DocumentState> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Fail(Exception error) => Completion.TrySetException(error);
}
