using System.Text.Json;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// Base for a strongly typed OT type; implements <see cref="IOtType"/> by casting, so each type is written
/// against its own snapshot and op classes.
/// </summary>
/// <typeparam name="TSnapshot">The in-memory snapshot.</typeparam>
/// <typeparam name="TOp">The in-memory, normalized op.</typeparam>
public abstract class OtType<TSnapshot, TOp> : IOtType
    where TOp : notnull
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public virtual bool CanCompose => true;

    /// <summary>Makes the initial snapshot from a create's data.</summary>
    public abstract TSnapshot Create(JsonElement? data);

    /// <summary>Reads a stored snapshot.</summary>
    public abstract TSnapshot Read(JsonElement data);

    /// <summary>Writes a snapshot.</summary>
    public abstract void Write(Utf8JsonWriter writer, TSnapshot snapshot);

    /// <summary>Parses, checks and normalizes an op.</summary>
    public abstract TOp Parse(JsonElement op);

    /// <summary>Writes an op.</summary>
    public abstract void Write(Utf8JsonWriter writer, TOp op);

    /// <summary>Applies an op.</summary>
    public abstract TSnapshot Apply(TSnapshot snapshot, TOp op);

    /// <summary>Transforms <paramref name="op"/> past <paramref name="other"/>.</summary>
    public abstract TOp Transform(TOp op, TOp other, TransformSide side);

    /// <summary>Composes two consecutive ops.</summary>
    public abstract TOp Compose(TOp first, TOp second);

    /// <summary>A snapshot's size.</summary>
    public abstract long Size(TSnapshot snapshot);

    /// <summary>True when <see cref="Size"/> is at most <paramref name="limit"/>; a type whose size is costly to count overrides it with a cheaper bound.</summary>
    public virtual bool Fits(TSnapshot snapshot, long limit) => Size(snapshot) <= limit;

    object? IOtType.CreateSnapshot(JsonElement? data) => Create(data);

    object? IOtType.ReadSnapshot(JsonElement data) => Read(data);

    void IOtType.WriteSnapshot(Utf8JsonWriter writer, object? snapshot) => Write(writer, (TSnapshot)snapshot!);

    object IOtType.ReadOp(JsonElement op) => Parse(op);

    void IOtType.WriteOp(Utf8JsonWriter writer, object op) => Write(writer, (TOp)op);

    object? IOtType.Apply(object? snapshot, object op) => Apply((TSnapshot)snapshot!, (TOp)op);

    object IOtType.Transform(object op, object other, TransformSide side) => Transform((TOp)op, (TOp)other, side);

    object IOtType.Compose(object first, object second) => Compose((TOp)first, (TOp)second);

    long IOtType.SnapshotSize(object? snapshot) => Size((TSnapshot)snapshot!);

    bool IOtType.SnapshotFits(object? snapshot, long limit) => Fits((TSnapshot)snapshot!, limit);

    /// <summary>The exception for an op or snapshot this type rejects.</summary>
    protected static LiveSyncException Invalid(string message) => new(ErrorCodes.InvalidOp, message);
}
