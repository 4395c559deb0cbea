using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// Sequences submissions on this server, without asking the <see cref="ISubmitRouter"/>: what a router uses to serve
/// the submissions other servers forward to it (asking the router again could send them back).
/// </summary>
public interface ILocalSequencer
{
    /// <summary>
    /// Sequences <paramref name="submission"/> on <paramref name="docId"/> here. The submission is queued on the
    /// document before this returns, so submissions handed over one after another are sequenced in that order.
    /// </summary>
    /// <param name="docId">The document, already validated.</param>
    /// <param name="submission">The submission, already checked for shape.</param>
    /// <returns>The version it produced (for a resubmission of a stored (client id, seq), the version it first got).</returns>
    /// <exception cref="LiveSync.Protocol.LiveSyncException">The submission was rejected; the code is the contract's.</exception>
    Task<SubmitOutcome> SubmitAsync(string docId, Submission submission);
}
