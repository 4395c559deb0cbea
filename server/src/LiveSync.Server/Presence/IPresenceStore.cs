using System.Text.Json;

namespace LiveSync.Server.Presence;

/// <summary>
/// The presence port: which client is present on which document, with what value. Entries are keyed by document and
/// client id and remember the connection that set them, so an old connection closing does not clear what a newer one
/// of the same client set. The default keeps presence in this process; a scale-out adapter (Redis) shares it between
/// server processes, so <c>Open</c> returns the presence of clients on every server. Implementations are thread-safe.
/// </summary>
public interface IPresenceStore
{
    /// <summary>Sets <paramref name="clientId"/>'s presence on the document, replacing whatever it had, whichever connection set it.</summary>
    /// <param name="docId">The document.</param>
    /// <param name="clientId">The client.</param>
    /// <param name="connectionId">The connection setting it; only that connection's <see cref="RemoveAsync"/> clears it.</param>
    /// <param name="presence">The value, any JSON value; the store keeps its own copy.</param>
    /// <param name="cancellationToken">Abandons the call.</param>
    /// <exception cref="LiveSync.Protocol.LiveSyncException">The store cannot be reached (code <c>unavailable</c>).</exception>
    ValueTask SetAsync(string docId, string clientId, string connectionId, JsonElement presence, CancellationToken cancellationToken = default);

    /// <summary>Clears the presence <paramref name="connectionId"/> set for <paramref name="clientId"/>.</summary>
    /// <param name="docId">The document.</param>
    /// <param name="clientId">The client.</param>
    /// <param name="connectionId">The connection whose entry is cleared; an entry set by another connection stays.</param>
    /// <param name="cancellationToken">Abandons the call.</param>
    /// <returns>True when an entry was cleared (so the document's subscribers should be told); false when there was none.</returns>
    /// <exception cref="LiveSync.Protocol.LiveSyncException">The store cannot be reached (code <c>unavailable</c>).</exception>
    ValueTask<bool> RemoveAsync(string docId, string clientId, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>The presence of every client on the document but <paramref name="exceptClientId"/>, by client id.</summary>
    /// <param name="docId">The document.</param>
    /// <param name="exceptClientId">The asking client, left out.</param>
    /// <param name="cancellationToken">Abandons the call.</param>
    /// <exception cref="LiveSync.Protocol.LiveSyncException">The store cannot be reached (code <c>unavailable</c>).</exception>
    ValueTask<IReadOnlyDictionary<string, JsonElement>> OthersAsync(string docId, string exceptClientId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets what the store calls for each entry it clears by itself rather than through <see cref="RemoveAsync"/>,
    /// for example because the server whose connection set it stopped sending heartbeats; the handler tells the
    /// document's subscribers that the client left. A store that never clears entries by itself may ignore it.
    /// Called once, by the hub's presence tracker, before the first entry is set; a later call replaces the handler.
    /// </summary>
    /// <param name="handler">Receives the document id and the client id; its exceptions are logged by the store.</param>
    void SetExpiredHandler(Func<string, string, ValueTask> handler);
}
