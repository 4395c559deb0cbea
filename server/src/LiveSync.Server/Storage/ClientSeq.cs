namespace LiveSync.Server.Storage;

/// <summary>A client's last submission to a document.</summary>
/// <param name="Seq">The client's highest sequence number on the document.</param>
/// <param name="V">The version that submission produced.</param>
public readonly record struct ClientSeq(long Seq, long V);
