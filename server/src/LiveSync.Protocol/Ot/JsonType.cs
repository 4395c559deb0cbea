using System.Text.Json;
using LiveSync.Protocol.Ot.Json;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// The <c>json</c> type: any JSON document edited by <see cref="JsonOp"/>s, wire-compatible with the npm package
/// <c>ot-json0</c>. The snapshot is an <see cref="ImmutableJson"/>; apply shares everything off the op's paths
/// with the snapshot it started from and never changes that snapshot. Transform and compose give exactly that
/// package's results for normalized ops, tie breaks and quirks included; string components count UTF-16 units,
/// as ot-json0's embedded text0 type does (unlike the <c>text</c> type, which counts code points).
/// </summary>
/// <remarks>
/// Stricter than the package where a server must be: <see cref="Apply"/> rejects a path that does not exist,
/// a list index or <c>lm</c> past the end of its list, an <c>ld</c> or <c>od</c> that differs from the value it
/// deletes, an <c>sd</c> that differs from the text it deletes, an <c>si</c> past the end of its string or
/// inside a surrogate pair, and an <c>na</c> that would make a number infinite, where the package would append,
/// ignore the difference or produce an ill-formed document. Subtype components (<c>t</c>/<c>o</c>) are rejected.
/// </remarks>
public sealed class JsonType : OtType<ImmutableJson, JsonOp>
{
    /// <summary>The one instance.</summary>
    public static readonly JsonType Instance = new();

    private JsonType()
    {
    }

    /// <inheritdoc />
    public override string Name => "json";

    /// <summary>The initial snapshot: <paramref name="data"/>, or JSON null when absent (as ot-json0's <c>create</c>).</summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when the data holds a lone surrogate, a repeated property name or a
    /// number too large for a double.
    /// </exception>
    public override ImmutableJson Create(JsonElement? data) =>
        data is null || data.Value.ValueKind == JsonValueKind.Undefined ? ImmutableJson.Null : ImmutableJson.FromElement(data.Value);

    /// <summary>Reads a stored snapshot: any JSON value.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> as <see cref="Create"/>.</exception>
    public override ImmutableJson Read(JsonElement data) => ImmutableJson.FromElement(data);

    /// <summary>Writes a snapshot as its JSON value.</summary>
    public override void Write(Utf8JsonWriter writer, ImmutableJson snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.WriteTo(writer);
    }

    /// <summary>Parses, checks and normalizes an op: <see cref="JsonOp.Parse(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the op is not valid.</exception>
    public override JsonOp Parse(JsonElement op) => JsonOp.Parse(op);

    /// <summary>Writes an op's wire JSON.</summary>
    public override void Write(Utf8JsonWriter writer, JsonOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        op.WriteTo(writer);
    }

    /// <summary>
    /// Applies <paramref name="op"/>'s components in turn to <paramref name="snapshot"/>, which is left as it was:
    /// the result copies the containers along each path and shares the rest.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when a component does not fit the document (see the remarks on
    /// <see cref="JsonType"/>); nothing is applied then.
    /// </exception>
    public override ImmutableJson Apply(ImmutableJson snapshot, JsonOp op)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(op);
        return JsonOpApplier.Apply(snapshot, op.Components);
    }

    /// <summary>
    /// Rewrites <paramref name="op"/> to apply after <paramref name="other"/>, both made against the same document,
    /// as ot-json0's <c>transform</c>. At one list index the <see cref="TransformSide.Left"/> op's insert goes
    /// first; at one object key the left op's insert or replace wins; an edit inside something the other op
    /// deleted or replaced vanishes; a deleted value is updated by the other op's edits inside it.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when the two ops cannot have been made against one document: they
    /// disagree about whether a path step is a list or an object, or delete different text at one place.
    /// </exception>
    public override JsonOp Transform(JsonOp op, JsonOp other, TransformSide side)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(other);
        if (op.IsNoop || other.IsNoop)
        {
            return op;
        }

        return JsonOp.FromList(JsonOpTransformer.Transform(op.Components, other.Components, side));
    }

    /// <summary>
    /// One op with the effect of <paramref name="first"/> then <paramref name="second"/>, as ot-json0's
    /// <c>compose</c>: the second op's components appended to the first's by the normalize rules.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when merging two string components would split a surrogate pair.
    /// </exception>
    public override JsonOp Compose(JsonOp first, JsonOp second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (second.IsNoop)
        {
            return first;
        }

        var builder = new List<JsonOpComponent>(first.Count + second.Count);
        foreach (var component in first.Components)
        {
            // The first op's components go in as they are, as ot-json0 clones op1 rather than re-appending it.
            builder.Add(component.Clone());
        }

        foreach (var component in second.Components)
        {
            JsonOpAppender.Append(builder, component);
        }

        return JsonOp.FromList(builder);
    }

    /// <summary>The snapshot's <see cref="ImmutableJson.Size"/>: the length of its compact JSON text in UTF-16 chars, escapes aside.</summary>
    public override long Size(ImmutableJson snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Size;
    }
}
