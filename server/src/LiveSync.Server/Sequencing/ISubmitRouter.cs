using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// Decides where a submission is sequenced. With several servers on one store, sending every submission of a
/// document to one server saves the conditional appends of different servers racing each other; this is where a
/// scale-out adapter hooks that in. The default sequences everything on the server that received it.
/// </summary>
/// <remarks>
/// Correctness must never depend on the router: whichever server sequences a submission, the store's conditional
/// append and its (client id, seq) deduplication keep the history whole, so a router that cannot reach another
/// server simply returns null and the submission is sequenced here.
/// </remarks>
public interface ISubmitRouter
{
    /// <summary>
    /// Has <paramref name="submission"/> sequenced by another server when that one should, and returns its outcome;
    /// returns null to have it sequenced here.
    /// </summary>
    /// <param name="docId">The document, already validated.</param>
    /// <param name="submission">The submission, already checked for shape.</param>
    /// <returns>The outcome from the server that sequenced it, or null: sequence it here.</returns>
    /// <exception cref="LiveSync.Protocol.LiveSyncException">The other server rejected it; the code is the contract's.</exception>
    ValueTask<SubmitOutcome?> TrySubmitElsewhereAsync(string docId, Submission submission);
}
