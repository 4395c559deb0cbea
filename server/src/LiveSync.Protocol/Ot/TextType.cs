using System.Text.Json;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// The <c>text</c> type: plain text edited by <see cref="TextOp"/>s, wire-compatible with the npm package
/// <c>ot-text-unicode</c> (the snapshot is a JSON string; positions count Unicode code points). Transform,
/// compose and <see cref="TransformPosition"/> give exactly that package's results for normalized ops.
/// </summary>
/// <remarks>
/// Stricter than the package where a server must be: text with a lone surrogate is rejected, and
/// <see cref="Apply"/> rejects a skip or delete past the end of the document and a delete whose text differs
/// from the document's, where the package would silently truncate or ignore the difference.
/// </remarks>
public sealed class TextType : OtType<string, TextOp>
{
    /// <summary>The one instance.</summary>
    public static readonly TextType Instance = new();

    private TextType()
    {
    }

    /// <inheritdoc />
    public override string Name => "text";

    /// <summary>The initial snapshot: <paramref name="data"/>'s string, or <c>""</c> when absent or JSON null.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the data is not a well-formed string.</exception>
    public override string Create(JsonElement? data) =>
        data is null || data.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? string.Empty : ReadText(data.Value, "create data");

    /// <summary>Reads a stored snapshot: a JSON string.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the data is not a well-formed string.</exception>
    public override string Read(JsonElement data) => ReadText(data, "the snapshot");

    /// <summary>Writes a snapshot as a JSON string.</summary>
    public override void Write(Utf8JsonWriter writer, string snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(snapshot);
    }

    /// <summary>Parses, checks and normalizes an op: <see cref="TextOp.Parse(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the op is not valid.</exception>
    public override TextOp Parse(JsonElement op) => TextOp.Parse(op);

    /// <summary>Writes an op's wire JSON.</summary>
    public override void Write(Utf8JsonWriter writer, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        op.WriteTo(writer);
    }

    /// <summary>
    /// Applies <paramref name="op"/> to <paramref name="snapshot"/>. The whole op is checked against the document
    /// before the new text is built, in one pass over the document, and the result is written in one copy.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when a skip or delete reaches past the end of the document, or a
    /// delete's text differs from the document's text there.
    /// </exception>
    public override string Apply(string snapshot, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(op);
        var components = op.Components;
        if (components.IsEmpty)
        {
            return snapshot;
        }

        // Where each skip or delete ends in the document, in UTF-16 chars; ops have a few components, so the stack fits.
        Span<int> ends = components.Length <= 64 ? stackalloc int[components.Length] : new int[components.Length];
        var pos = 0;
        var length = snapshot.Length;
        for (var i = 0; i < components.Length; i++)
        {
            var component = components[i];
            if (component.Kind == TextComponentKind.Insert)
            {
                length += component.Text!.Length;
                continue;
            }

            var end = CodePoints.Advance(snapshot, pos, component.Length);
            if (end < 0)
            {
                var what = component.Kind == TextComponentKind.Skip ? "skips" : "deletes";
                throw Invalid($"The op {what} past the end of the document ({CodePoints.Count(snapshot)} code points).");
            }

            if (component.Kind == TextComponentKind.Delete)
            {
                if (component.Text is not null && !snapshot.AsSpan(pos, end - pos).SequenceEqual(component.Text))
                {
                    throw Invalid("The op deletes text that differs from the document's text at that position.");
                }

                length -= end - pos;
            }

            ends[i] = end;
            pos = end;
        }

        return string.Create(length, new ApplyState(snapshot, components, ends), static (destination, state) =>
        {
            var source = state.Snapshot;
            var pos = 0;
            for (var i = 0; i < state.Components.Length; i++)
            {
                var component = state.Components[i];
                switch (component.Kind)
                {
                    case TextComponentKind.Skip:
                        var end = state.Ends[i];
                        source[pos..end].CopyTo(destination);
                        destination = destination[(end - pos)..];
                        pos = end;
                        break;
                    case TextComponentKind.Insert:
                        component.Text.AsSpan().CopyTo(destination);
                        destination = destination[component.Text!.Length..];
                        break;
                    default:
                        pos = state.Ends[i];
                        break;
                }
            }

            source[pos..].CopyTo(destination);
        });
    }

    /// <summary>
    /// Rewrites <paramref name="op"/> to apply after <paramref name="other"/>, both made against the same document,
    /// as ot-text-unicode's <c>transform</c>: at one position the <see cref="TransformSide.Left"/> op's insert goes
    /// first; deletes of text <paramref name="other"/> already deleted vanish, and a delete's text is trimmed to
    /// what is left of it.
    /// </summary>
    public override TextOp Transform(TextOp op, TextOp other, TransformSide side)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(other);
        if (op.IsNoop || other.IsNoop)
        {
            return op;
        }

        var builder = new TextOpBuilder(op.Count + other.Count + 1);
        var reader = new TextOpReader(op.Components);
        foreach (var theirs in other.Components)
        {
            int length;
            TextComponent mine;
            switch (theirs.Kind)
            {
                case TextComponentKind.Skip:
                    length = theirs.Length;
                    while (length > 0)
                    {
                        mine = reader.Take(length, TextComponentKind.Insert);
                        builder.Append(mine);
                        if (mine.Kind != TextComponentKind.Insert)
                        {
                            length -= mine.Length;
                        }
                    }

                    break;
                case TextComponentKind.Insert:
                    if (side == TransformSide.Left && reader.AtInsert && reader.TryTakeRest(out mine))
                    {
                        builder.Append(mine);
                    }

                    builder.Append(TextComponent.Unchecked(TextComponentKind.Skip, theirs.Length, null));
                    break;
                default:
                    length = theirs.Length;
                    while (length > 0)
                    {
                        mine = reader.Take(length, TextComponentKind.Insert);
                        if (mine.Kind == TextComponentKind.Insert)
                        {
                            builder.Append(mine);
                        }
                        else
                        {
                            // A skip of ours is deleted text now; a delete of ours is text already gone.
                            length -= mine.Length;
                        }
                    }

                    break;
            }
        }

        while (reader.TryTakeRest(out var rest))
        {
            builder.Append(rest);
        }

        return builder.Build();
    }

    /// <summary>
    /// One op with the effect of <paramref name="first"/> then <paramref name="second"/>, as ot-text-unicode's
    /// <c>compose</c>. Text that <paramref name="first"/> inserts and <paramref name="second"/> deletes vanishes.
    /// </summary>
    public override TextOp Compose(TextOp first, TextOp second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.IsNoop)
        {
            return second;
        }

        if (second.IsNoop)
        {
            return first;
        }

        var builder = new TextOpBuilder(first.Count + second.Count + 1);
        var reader = new TextOpReader(first.Components);
        foreach (var component in second.Components)
        {
            TextComponent chunk;
            switch (component.Kind)
            {
                case TextComponentKind.Skip:
                    var length = component.Length;
                    while (length > 0)
                    {
                        chunk = reader.Take(length, TextComponentKind.Delete);
                        builder.Append(chunk);
                        if (chunk.Kind != TextComponentKind.Delete)
                        {
                            length -= chunk.Length;
                        }
                    }

                    break;
                case TextComponentKind.Insert:
                    builder.Append(component);
                    break;
                default:
                    var text = component.Text;
                    var offset = 0;
                    var charOffset = 0;
                    while (offset < component.Length)
                    {
                        chunk = reader.Take(component.Length - offset, TextComponentKind.Delete);
                        switch (chunk.Kind)
                        {
                            case TextComponentKind.Skip:
                                // Deleting text the first op kept: delete it from the original, with its text if known.
                                string? part = null;
                                if (text is not null)
                                {
                                    var end = CodePoints.Advance(text, charOffset, chunk.Length);
                                    part = charOffset == 0 && end == text.Length ? text : text[charOffset..end];
                                    charOffset = end;
                                }

                                builder.Append(TextComponent.Unchecked(TextComponentKind.Delete, chunk.Length, part));
                                offset += chunk.Length;
                                break;
                            case TextComponentKind.Insert:
                                // Deleting text the first op inserted: both vanish.
                                if (text is not null)
                                {
                                    charOffset = CodePoints.Advance(text, charOffset, chunk.Length);
                                }

                                offset += chunk.Length;
                                break;
                            default:
                                builder.Append(chunk);
                                break;
                        }
                    }

                    break;
            }
        }

        while (reader.TryTakeRest(out var rest))
        {
            builder.Append(rest);
        }

        return builder.Build();
    }

    /// <summary>The snapshot's length in code points.</summary>
    public override long Size(string snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return CodePoints.Count(snapshot);
    }

    /// <summary>
    /// True when the snapshot has at most <paramref name="limit"/> code points. A text never has more code points
    /// than UTF-16 chars, so below the limit in chars it is not counted: checked after every op, counting would
    /// cost a pass over the whole document each time.
    /// </summary>
    public override bool Fits(string snapshot, long limit)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Length <= limit || CodePoints.Count(snapshot) <= limit;
    }

    /// <summary>
    /// Where a cursor at code point <paramref name="cursor"/> moves when <paramref name="op"/> is applied, as
    /// ot-text-unicode's <c>transformPosition</c>: text inserted at the cursor goes after it; a cursor inside
    /// deleted text moves to the start of the deletion.
    /// </summary>
    public static int TransformPosition(int cursor, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var pos = 0;
        foreach (var component in op.Components)
        {
            if (cursor <= pos)
            {
                break;
            }

            switch (component.Kind)
            {
                case TextComponentKind.Skip:
                    pos += component.Length;
                    break;
                case TextComponentKind.Insert:
                    pos += component.Length;
                    cursor += component.Length;
                    break;
                default:
                    cursor -= Math.Min(component.Length, cursor - pos);
                    break;
            }
        }

        return cursor;
    }

    private static string ReadText(JsonElement data, string what)
    {
        if (data.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"The text type's {what} must be a JSON string.");
        }

        string text;
        try
        {
            text = data.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"The text type's {what} holds a lone surrogate (ill-formed UTF-16).");
        }

        if (!CodePoints.IsWellFormed(text))
        {
            throw Invalid($"The text type's {what} holds a lone surrogate (ill-formed UTF-16).");
        }

        return text;
    }

    private readonly ref struct ApplyState(string snapshot, ReadOnlySpan<TextComponent> components, ReadOnlySpan<int> ends)
    {
        public ReadOnlySpan<char> Snapshot { get; } = snapshot;

        public ReadOnlySpan<TextComponent> Components { get; } = components;

        public ReadOnlySpan<int> Ends { get; } = ends;
    }
}
