namespace LiveSync.Protocol.Messages;

/// <summary>The reply to <c>Submit</c>.</summary>
/// <param name="V">The version the submission produced (for a resubmission, the version it first got).</param>
public sealed record SubmitResult(long V);
