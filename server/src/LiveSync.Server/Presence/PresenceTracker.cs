using System.Collections.Concurrent;
using System.Text.Json;

namespace LiveSync.Server.Presence;

/// <summary>
/// Who is present on which document, and with what presence value, on this server. Keyed by client id; each entry
/// remembers the connection that set it, so an old connection closing does not clear what a newer one set.
/// </summary>
internal sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PresenceEntry>> _documents = new(StringComparer.Ordinal);

    /// <summary>Sets (or, with null, clears) <paramref name="clientId"/>'s presence; false when nothing changed.</summary>
    public bool Set(string docId, string clientId, string connectionId, JsonElement? presence)
    {
        if (presence is { } value)
        {
            var entry = new PresenceEntry(connectionId, value.Clone());
            while (true)
            {
                var clients = _documents.GetOrAdd(docId, static _ => new ConcurrentDictionary<string, PresenceEntry>(StringComparer.Ordinal));
                clients[clientId] = entry;

                // A concurrent Remove may have dropped this document's dictionary as empty just before the write.
                if (_documents.TryGetValue(docId, out var current) && ReferenceEquals(current, clients))
                {
                    return true;
                }
            }
        }

        return Remove(docId, clientId, connectionId);
    }

    /// <summary>Clears the presence <paramref name="connectionId"/> set for <paramref name="clientId"/>; false when it had none.</summary>
    public bool Remove(string docId, string clientId, string connectionId)
    {
        if (!_documents.TryGetValue(docId, out var clients)
            || !clients.TryGetValue(clientId, out var entry)
            || entry.ConnectionId != connectionId
            || !clients.TryRemove(new KeyValuePair<string, PresenceEntry>(clientId, entry)))
        {
            return false;
        }

        if (clients.IsEmpty)
        {
            // A racing Set notices the dictionary is gone and writes again into a fresh one.
            _documents.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, PresenceEntry>>(docId, clients));
        }

        return true;
    }

    /// <summary>The presence of every client on the document but <paramref name="exceptClientId"/>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Others(string docId, string exceptClientId)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (_documents.TryGetValue(docId, out var clients))
        {
            foreach (var (clientId, entry) in clients)
            {
                if (clientId != exceptClientId)
                {
                    result[clientId] = entry.Presence;
                }
            }
        }

        return result;
    }

    private sealed record PresenceEntry(string ConnectionId, JsonElement Presence);
}
