using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>The default <see cref="ISubmitRouter"/>: every submission is sequenced on the server that received it.</summary>
internal sealed class LocalSubmitRouter : ISubmitRouter
{
    public ValueTask<SubmitOutcome?> TrySubmitElsewhereAsync(string docId, Submission submission) => default;
}
