using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>This server's sequencers, as <see cref="ILocalSequencer"/>.</summary>
internal sealed class LocalSequencer(DocumentSequencers sequencers) : ILocalSequencer
{
    public Task<SubmitOutcome> SubmitAsync(string docId, Submission submission) => sequencers.SubmitAsync(docId, submission);
}
