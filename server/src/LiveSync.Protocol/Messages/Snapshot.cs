using System.Text.Json;

namespace LiveSync.Protocol.Messages;

/// <summary>A document's content at a version. A document never created (or deleted) has a null type and data.</summary>
/// <param name="DocId">The document id.</param>
/// <param name="Type">The OT type's name, or null when the document does not exist at <paramref name="V"/>.</param>
/// <param name="V">The version.</param>
/// <param name="Data">The content: a string for <c>text</c>, null for <c>opaque</c> or a missing document.</param>
public sealed record Snapshot(string DocId, string? Type, long V, JsonElement Data);
