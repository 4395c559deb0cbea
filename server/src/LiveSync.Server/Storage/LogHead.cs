namespace LiveSync.Server.Storage;

/// <summary>Where a document's op log stands.</summary>
/// <param name="V">The latest version, 0 for a document never written.</param>
/// <param name="FirstKept">The lowest version whose op is still kept (<c>V + 1</c> when none are, 1 with full history).</param>
public readonly record struct LogHead(long V, long FirstKept);
