using System.Text.Json;
using LiveSync.Protocol.Messages;

namespace LiveSync.Client;

/// <summary>
/// Tells that a document's local content changed: by a local change (applied at once, before the server confirms
/// it), by a remote op, or by a reload of the whole snapshot.
/// </summary>
public sealed class DocumentChangedEventArgs : EventArgs
{
    internal DocumentChangedEventArgs(long version, bool isLocal, string clientId, JsonElement? op, CreateSpec? create, bool deleted, bool isReload)
    {
        Version = version;
        IsLocal = isLocal;
        ClientId = clientId;
        Op = op;
        Create = create;
        Deleted = deleted;
        IsReload = isReload;
    }

    /// <summary>
    /// The document's confirmed version after the change; for a local change, the version it was made on (the
    /// server has not numbered it yet).
    /// </summary>
    public long Version { get; }

    /// <summary>True for a change made by this client through this document.</summary>
    public bool IsLocal { get; }

    /// <summary>The id of the client that made the change (this client's for a local change or a reload).</summary>
    public string ClientId { get; }

    /// <summary>
    /// The op as applied to the local content: for a remote op, transformed past this client's unconfirmed
    /// changes. Null for a create, a delete or a reload.
    /// </summary>
    public JsonElement? Op { get; }

    /// <summary>Set when the change created the document.</summary>
    public CreateSpec? Create { get; }

    /// <summary>True when the change deleted the document.</summary>
    public bool Deleted { get; }

    /// <summary>True when the whole content was replaced by a snapshot from the server (after a rejected change or lost history).</summary>
    public bool IsReload { get; }
}
