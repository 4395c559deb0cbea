namespace LiveSync.Server.Storage;

/// <summary>What a stored op does to its document.</summary>
public enum OpKind : byte
{
    /// <summary>An edit of the document's type.</summary>
    Op = 0,

    /// <summary>Creates the document.</summary>
    Create = 1,

    /// <summary>Deletes the document.</summary>
    Delete = 2,
}
