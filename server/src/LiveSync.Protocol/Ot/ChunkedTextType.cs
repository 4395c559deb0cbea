using System.Text.Json;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// The <c>text</c> type with its snapshot held as <see cref="ChunkedText"/>: the same wire format, ops, transform
/// and compose as <see cref="TextType"/> (which it calls for them), but an op applied to a large document copies a
/// chunk instead of the whole text, and the size limit is known without counting. The server holds its documents
/// this way; a client with one document in hand has the plain string of <see cref="TextType"/>.
/// </summary>
public sealed class ChunkedTextType : OtType<ChunkedText, TextOp>
{
    /// <summary>The one instance.</summary>
    public static readonly ChunkedTextType Instance = new();

    private ChunkedTextType()
    {
    }

    /// <inheritdoc />
    public override string Name => TextType.Instance.Name;

    /// <summary>The initial snapshot, as <see cref="TextType.Create"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the data is not a well-formed string.</exception>
    public override ChunkedText Create(JsonElement? data) => ChunkedText.From(TextType.Instance.Create(data));

    /// <summary>Reads a stored snapshot, as <see cref="TextType.Read"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the data is not a well-formed string.</exception>
    public override ChunkedText Read(JsonElement data) => ChunkedText.From(TextType.Instance.Read(data));

    /// <summary>Writes a snapshot as one JSON string.</summary>
    public override void Write(Utf8JsonWriter writer, ChunkedText snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.WriteTo(writer);
    }

    /// <inheritdoc cref="TextType.Parse"/>
    public override TextOp Parse(JsonElement op) => TextType.Instance.Parse(op);

    /// <inheritdoc cref="TextType.Write(Utf8JsonWriter, TextOp)"/>
    public override void Write(Utf8JsonWriter writer, TextOp op) => TextType.Instance.Write(writer, op);

    /// <inheritdoc cref="ChunkedText.Apply"/>
    public override ChunkedText Apply(ChunkedText snapshot, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Apply(op);
    }

    /// <inheritdoc cref="TextType.Transform"/>
    public override TextOp Transform(TextOp op, TextOp other, TransformSide side) => TextType.Instance.Transform(op, other, side);

    /// <inheritdoc cref="TextType.Compose"/>
    public override TextOp Compose(TextOp first, TextOp second) => TextType.Instance.Compose(first, second);

    /// <summary>The snapshot's length in code points, kept by the snapshot.</summary>
    public override long Size(ChunkedText snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.CodePointCount;
    }
}
