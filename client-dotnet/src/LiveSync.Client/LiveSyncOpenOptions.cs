using System.Text.Json;

namespace LiveSync.Client;

/// <summary>How <see cref="LiveSyncClient.OpenAsync"/> opens a document.</summary>
public sealed class LiveSyncOpenOptions
{
    /// <summary>
    /// When set and the document does not exist, it is created with this type (<c>text</c>, <c>json</c> or
    /// <c>opaque</c>) and <see cref="CreateData"/>. When another client creates it first, theirs is kept.
    /// Default: null, open without creating.
    /// </summary>
    public string? CreateType { get; set; }

    /// <summary>The initial data of a document created by <see cref="CreateType"/>. Default: null, the type's empty value.</summary>
    public JsonElement? CreateData { get; set; }
}
