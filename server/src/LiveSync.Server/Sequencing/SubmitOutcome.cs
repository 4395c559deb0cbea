namespace LiveSync.Server.Sequencing;

/// <summary>The result of one submission: the version it produced, and whether it was a resubmission of one already stored.</summary>
/// <param name="V">The version the submission produced (for a duplicate, the version it first got).</param>
/// <param name="Duplicate">True when the same (client id, seq) was already stored and nothing changed.</param>
public readonly record struct SubmitOutcome(long V, bool Duplicate);
