namespace LiveSync.Server.Storage;

/// <summary>A document's content at a version, as stored.</summary>
/// <param name="V">The version.</param>
/// <param name="Type">The OT type's name, or null when the document did not exist at <paramref name="V"/>.</param>
/// <param name="Data">The snapshot data as UTF-8 JSON.</param>
public sealed record StoredSnapshot(long V, string? Type, ReadOnlyMemory<byte> Data);
