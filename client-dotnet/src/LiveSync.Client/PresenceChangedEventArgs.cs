using System.Text.Json;

namespace LiveSync.Client;

/// <summary>Tells that another client's presence on a document changed, or that it left.</summary>
/// <param name="clientId">The other client's id.</param>
/// <param name="presence">Its presence now, or null when it cleared it or left.</param>
public sealed class PresenceChangedEventArgs(string clientId, JsonElement? presence) : EventArgs
{
    /// <summary>The other client's id.</summary>
    public string ClientId { get; } = clientId;

    /// <summary>Its presence now, or null when it cleared it or left.</summary>
    public JsonElement? Presence { get; } = presence;
}
