using System.Text.Json;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// An operational-transformation type, untyped so the sequencer can hold any of them: snapshots and ops are
/// the type's own in-memory objects, parsed from and written to JSON at the edges. Implementations are pure:
/// no I/O, no logging, no shared mutable state. Invalid input throws <see cref="LiveSyncException"/> with
/// <see cref="ErrorCodes.InvalidOp"/>.
/// </summary>
public interface IOtType
{
    /// <summary>The type's wire name: <c>text</c>, <c>json</c> or <c>opaque</c>.</summary>
    string Name { get; }

    /// <summary>Makes the initial snapshot from a create's <c>data</c> (absent: the type's empty value).</summary>
    object? CreateSnapshot(JsonElement? data);

    /// <summary>Reads a snapshot stored by <see cref="WriteSnapshot"/>.</summary>
    object? ReadSnapshot(JsonElement data);

    /// <summary>Writes a snapshot as its JSON <c>data</c>.</summary>
    void WriteSnapshot(Utf8JsonWriter writer, object? snapshot);

    /// <summary>Parses, checks and normalizes an op from its wire JSON.</summary>
    object ReadOp(JsonElement op);

    /// <summary>Writes an op in its wire JSON form.</summary>
    void WriteOp(Utf8JsonWriter writer, object op);

    /// <summary>Applies <paramref name="op"/> to <paramref name="snapshot"/>, returning the new snapshot.</summary>
    object? Apply(object? snapshot, object op);

    /// <summary>Rewrites <paramref name="op"/> to apply after <paramref name="other"/>, which was made against the same state.</summary>
    object Transform(object op, object other, TransformSide side);

    /// <summary>True when <see cref="Compose"/> is supported.</summary>
    bool CanCompose { get; }

    /// <summary>One op with the effect of <paramref name="first"/> then <paramref name="second"/>.</summary>
    object Compose(object first, object second);

    /// <summary>A measure of a snapshot's size in the type's own units (code points for text), for limits.</summary>
    long SnapshotSize(object? snapshot);

    /// <summary>True when <see cref="SnapshotSize"/> is at most <paramref name="limit"/>, often without measuring all of it.</summary>
    bool SnapshotFits(object? snapshot, long limit);
}
