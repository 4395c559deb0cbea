namespace LiveSync.Redis.Backplane;

/// <summary>
/// Every Redis key of presence across servers, built and parsed here and nowhere else, under the op log's key prefix.
/// </summary>
/// <remarks>
/// With the default prefix <c>livesync:</c>:
/// <code>
/// livesync:{notes:42}:presence        hash  client id -> "{serverId} {connectionId} {presence JSON}": who is present on
///                                           the document, set through which server and connection (the hash tag
///                                           puts it in the slot of the document's other keys)
/// livesync:presence:servers           zset  server id -> the time (ms, Redis clock) after which it counts as dead;
///                                           each server moves its own forward with every heartbeat
/// livesync:presence:server:{serverId} set   "{docId} {clientId} {connectionId}" of every entry that server set, so
///                                           whichever server notices it dead can clear exactly those
/// </code>
/// Document, client, server and connection ids contain no space (their rules forbid it), so a space separates them;
/// the presence JSON comes last and may contain anything.
/// </remarks>
internal sealed class PresenceKeys(string prefix)
{
    /// <summary>The heartbeat deadlines of live servers.</summary>
    public string Servers { get; } = prefix + "presence:servers";

    /// <summary>The presence of a document's clients.</summary>
    public string Document(string docId) => string.Concat(prefix, "{", docId, "}:presence");

    /// <summary>The entries one server set.</summary>
    public string ServerEntries(string serverId) => string.Concat(prefix, "presence:server:", serverId);

    /// <summary>A member of <see cref="ServerEntries"/>.</summary>
    public static string Entry(string docId, string clientId, string connectionId) => string.Concat(docId, " ", clientId, " ", connectionId);

    /// <summary>Splits a member of <see cref="ServerEntries"/>; false when it is not one.</summary>
    public static bool TryParseEntry(string entry, out string docId, out string clientId, out string connectionId)
    {
        var parts = entry.Split(' ');
        (docId, clientId, connectionId) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : ("", "", "");
        return parts.Length == 3;
    }

    /// <summary>The owner part every value of <see cref="Document"/> starts with; compared, never parsed, by the scripts.</summary>
    public static string Owner(string serverId, string connectionId) => string.Concat(serverId, " ", connectionId, " ");

    /// <summary>A value of <see cref="Document"/>.</summary>
    public static string Value(string serverId, string connectionId, string presenceJson) => string.Concat(serverId, " ", connectionId, " ", presenceJson);

    /// <summary>The presence JSON of a value of <see cref="Document"/>; false when it is not one.</summary>
    public static bool TryParseValue(string value, out string presenceJson)
    {
        var first = value.IndexOf(' ', StringComparison.Ordinal);
        var second = first < 0 ? -1 : value.IndexOf(' ', first + 1);
        presenceJson = second < 0 ? "" : value[(second + 1)..];
        return second >= 0;
    }
}
