using LiveSync.Protocol.Ot;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// A document as the sequencer holds it: immutable, so readers take it without a lock while the sequencer
/// builds the next one.
/// </summary>
/// <param name="V">The version.</param>
/// <param name="Type">The OT type, or null when the document does not exist (never created, or deleted).</param>
/// <param name="Snapshot">The type's snapshot object (a string for text).</param>
internal sealed record DocumentState(long V, IOtType? Type, object? Snapshot)
{
    public static readonly DocumentState Empty = new(0, null, null);
}
