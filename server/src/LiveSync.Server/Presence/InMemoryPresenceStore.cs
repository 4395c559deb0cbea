using System.Collections.Concurrent;
using System.Text.Json;

namespace LiveSync.Server.Presence;

/// <summary>
/// The default presence store: presence of the clients connected to this process, in memory. A single-node server
/// needs nothing more; entries never expire by themselves (a connection's end clears them).
/// </summary>
internal sealed class InMemoryPresenceStore : IPresenceStore
{
    private static readonly IReadOnlyDictionary<string, JsonElement> None = new Dictionary<string, JsonElement>();

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PresenceEntry>> _documents = new(StringComparer.Ordinal);

    public ValueTask SetAsync(string docId, string clientId, string connectionId, JsonElement presence, CancellationToken cancellationToken = default)
    {
        var entry = new PresenceEntry(connectionId, presence.Clone());
        while (true)
        {
            var clients = _documents.GetOrAdd(docId, static _ => new ConcurrentDictionary<string, PresenceEntry>(StringComparer.Ordinal));
            clients[clientId] = entry;

            // A concurrent Remove may have dropped this document's dictionary as empty just before the write.
            if (_documents.TryGetValue(docId, out var current) && ReferenceEquals(current, clients))
            {
                return ValueTask.CompletedTask;
            }
        }
    }

    public ValueTask<bool> RemoveAsync(string docId, string clientId, string connectionId, CancellationToken cancellationToken = default)
    {
        if (!_documents.TryGetValue(docId, out var clients)
            || !clients.TryGetValue(clientId, out var entry)
            || entry.ConnectionId != connectionId
            || !clients.TryRemove(new KeyValuePair<string, PresenceEntry>(clientId, entry)))
        {
            return ValueTask.FromResult(false);
        }

        if (clients.IsEmpty)
        {
            // A racing Set notices the dictionary is gone and writes again into a fresh one.
            _documents.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, PresenceEntry>>(docId, clients));
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<IReadOnlyDictionary<string, JsonElement>> OthersAsync(string docId, string exceptClientId, CancellationToken cancellationToken = default)
    {
        if (!_documents.TryGetValue(docId, out var clients))
        {
            return ValueTask.FromResult(None);
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (clientId, entry) in clients)
        {
            if (clientId != exceptClientId)
            {
                result[clientId] = entry.Presence;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, JsonElement>>(result);
    }

    /// <summary>Entries here end only with their connection: nothing to report.</summary>
    public void SetExpiredHandler(Func<string, string, ValueTask> handler) => ArgumentNullException.ThrowIfNull(handler);

    private sealed record PresenceEntry(string ConnectionId, JsonElement Presence);
}
