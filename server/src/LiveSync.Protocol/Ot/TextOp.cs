using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// An op of the <c>text</c> type, in the format of the npm package <c>ot-text-unicode</c>: a JSON array whose
/// items are a positive integer (skip that many code points), a non-empty string (insert it), or
/// <c>{"d": N}</c> / <c>{"d": "text"}</c> (delete N code points / delete exactly that text). For example
/// <c>[3, "hi", {"d": 2}]</c> keeps 3 code points, inserts "hi" and deletes the next 2. Positions count Unicode
/// code points, so an emoji is 1.
/// </summary>
/// <remarks>
/// Immutable and always normalized: no empty components, no two adjacent components of one kind, no trailing
/// skip. Text is always well-formed UTF-16. Equality compares components, so <c>{"d": 3}</c> and
/// <c>{"d": "abc"}</c> differ.
/// </remarks>
public sealed class TextOp : IEquatable<TextOp>
{
    // Encoded once: saves escaping and transcoding the property name on every delete written.
    private static readonly JsonEncodedText DeleteKey = JsonEncodedText.Encode("d");

    // The chars JSON.stringify escapes in well-formed text: controls, quote and backslash.
    private static readonly SearchValues<char> JsonEscaped = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\");

    private readonly ReadOnlyMemory<TextComponent> _components;

    internal TextOp(ReadOnlyMemory<TextComponent> components)
    {
        _components = components;
    }

    /// <summary>The op that changes nothing: <c>[]</c>.</summary>
    public static TextOp Empty { get; } = new(ReadOnlyMemory<TextComponent>.Empty);

    /// <summary>The components, normalized.</summary>
    public ReadOnlySpan<TextComponent> Components => _components.Span;

    /// <summary>The number of components.</summary>
    public int Count => _components.Length;

    /// <summary>True for <c>[]</c>, the op that changes nothing.</summary>
    public bool IsNoop => _components.IsEmpty;

    /// <summary>Inserts <paramref name="text"/> at code point <paramref name="pos"/>: <c>[pos, text]</c>, <c>[text]</c> at 0, <c>[]</c> for empty text.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pos"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static TextOp Insert(int pos, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Replace(pos, 0, text);
    }

    /// <summary>Deletes <paramref name="count"/> code points at <paramref name="pos"/>: <c>[pos, {"d": count}]</c>, without the skip at 0, <c>[]</c> for 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pos"/> or <paramref name="count"/> is negative.</exception>
    public static TextOp Delete(int pos, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pos);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return Empty;
        }

        return pos == 0
            ? new TextOp(new[] { TextComponent.Delete(count) })
            : new TextOp(new[] { TextComponent.Skip(pos), TextComponent.Delete(count) });
    }

    /// <summary>
    /// Deletes exactly <paramref name="text"/> at <paramref name="pos"/>: <c>[pos, {"d": text}]</c>, without the skip
    /// at 0, <c>[]</c> for empty text. Applying it fails if the document holds other text there.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pos"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static TextOp Delete(int pos, string text)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pos);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return Empty;
        }

        return pos == 0
            ? new TextOp(new[] { TextComponent.Delete(text) })
            : new TextOp(new[] { TextComponent.Skip(pos), TextComponent.Delete(text) });
    }

    /// <summary>
    /// Replaces <paramref name="deleteCount"/> code points at <paramref name="pos"/> with <paramref name="text"/>:
    /// <c>[pos, text, {"d": deleteCount}]</c>, the same op ot-text-unicode's compose makes of a delete then an insert
    /// at one position. Empty parts are left out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pos"/> or <paramref name="deleteCount"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static TextOp Replace(int pos, int deleteCount, string text)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pos);
        ArgumentOutOfRangeException.ThrowIfNegative(deleteCount);
        ArgumentNullException.ThrowIfNull(text);
        var builder = new TextOpBuilder(3);
        if (pos > 0)
        {
            builder.Append(TextComponent.Skip(pos));
        }

        if (text.Length > 0)
        {
            builder.Append(TextComponent.Insert(text));
        }

        if (deleteCount > 0)
        {
            builder.Append(TextComponent.Delete(deleteCount));
        }

        return builder.Build();
    }

    /// <summary>
    /// An op of <paramref name="components"/>, normalized as ot-text-unicode's <c>normalize</c> does: empty
    /// (<c>default</c>) components are dropped, adjacent components of one kind merged, a trailing skip removed.
    /// </summary>
    public static TextOp FromComponents(ReadOnlySpan<TextComponent> components)
    {
        var builder = new TextOpBuilder(components.Length);
        foreach (var component in components)
        {
            builder.Append(component);
        }

        return builder.Build();
    }

    /// <summary>
    /// Parses, checks and normalizes an op from its wire JSON. The check is ot-text-unicode's <c>checkOp</c>, made
    /// strict where JavaScript is loose: skips and numeric deletes are positive integers, inserts and delete
    /// texts are non-empty well-formed UTF-16, a delete object has exactly the property <c>d</c>, no two skips are
    /// adjacent and the op does not end with a skip. Adjacent inserts or deletes are then merged.
    /// </summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the op breaks any rule above.</exception>
    public static TextOp Parse(JsonElement op)
    {
        if (op.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"A text op must be a JSON array of components, not {Describe(op.ValueKind)}.");
        }

        var length = op.GetArrayLength();
        if (length == 0)
        {
            return Empty;
        }

        var builder = new TextOpBuilder(length);
        var index = 0;
        var lastWasSkip = false;
        foreach (var item in op.EnumerateArray())
        {
            var component = ParseComponent(item, index);
            var isSkip = component.Kind == TextComponentKind.Skip;
            if (isSkip && lastWasSkip)
            {
                throw Invalid($"Text op component {index}: adjacent skips must be combined into one.");
            }

            lastWasSkip = isSkip;
            builder.Append(component);
            index++;
        }

        if (lastWasSkip)
        {
            throw Invalid("A text op must not end with a skip.");
        }

        return builder.Build();
    }

    /// <summary>Parses, checks and normalizes an op from JSON text, as <see cref="Parse(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the text is not JSON or not a valid op.</exception>
    public static TextOp Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid($"A text op must be JSON: {e.Message}");
        }
        catch (ArgumentException)
        {
            // Raised while transcoding a string with a lone surrogate to UTF-8.
            throw Invalid("A text op must be well-formed UTF-16: the text holds a lone surrogate.");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    /// <summary>True when both ops have the same components.</summary>
    public static bool operator ==(TextOp? left, TextOp? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(TextOp, TextOp)"/>.</summary>
    public static bool operator !=(TextOp? left, TextOp? right) => !(left == right);

    /// <summary>Writes the op's wire JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var component in Components)
        {
            WriteComponent(writer, component);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// The op's wire JSON, e.g. <c>[3,"hi",{"d":2}]</c>: exactly what JavaScript's <c>JSON.stringify</c> makes of
    /// the same op, so non-ASCII text is written as is and only quotes, backslashes and controls are escaped.
    /// </summary>
    public string ToJson()
    {
        var builder = new StringBuilder(16 * (Count + 1));
        builder.Append('[');
        var first = true;
        foreach (var component in Components)
        {
            if (!first)
            {
                builder.Append(',');
            }

            AppendComponent(builder, component);
            first = false;
        }

        return builder.Append(']').ToString();
    }

    /// <summary>The op's wire JSON, as <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();

    /// <inheritdoc />
    public bool Equals(TextOp? other) =>
        other is not null && (ReferenceEquals(this, other) || Components.SequenceEqual(other.Components));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TextOp);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var component in Components)
        {
            hash.Add(component);
        }

        return hash.ToHashCode();
    }

    /// <summary>The JSON of one component, for <see cref="TextComponent.ToString"/>.</summary>
    internal static string ComponentToJson(TextComponent component)
    {
        var builder = new StringBuilder();
        AppendComponent(builder, component);
        return builder.ToString();
    }

    private static void AppendComponent(StringBuilder builder, TextComponent component)
    {
        switch (component.Kind)
        {
            case TextComponentKind.Skip:
                builder.Append(component.Length.ToString(CultureInfo.InvariantCulture));
                break;
            case TextComponentKind.Insert:
                AppendString(builder, component.Text!);
                break;
            default:
                builder.Append("{\"d\":");
                if (component.Text is null)
                {
                    builder.Append(component.Length.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    AppendString(builder, component.Text);
                }

                builder.Append('}');
                break;
        }
    }

    private static void AppendString(StringBuilder builder, string text)
    {
        builder.Append('"');
        var rest = text.AsSpan();
        int next;
        while ((next = rest.IndexOfAny(JsonEscaped)) >= 0)
        {
            builder.Append(rest[..next]);
            var c = rest[next];
            var escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => null,
            };
            if (escape is null)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(escape);
            }

            rest = rest[(next + 1)..];
        }

        builder.Append(rest).Append('"');
    }

    private static void WriteComponent(Utf8JsonWriter writer, TextComponent component)
    {
        switch (component.Kind)
        {
            case TextComponentKind.Skip:
                writer.WriteNumberValue(component.Length);
                break;
            case TextComponentKind.Insert:
                writer.WriteStringValue(component.Text);
                break;
            default:
                writer.WriteStartObject();
                if (component.Text is null)
                {
                    writer.WriteNumber(DeleteKey, component.Length);
                }
                else
                {
                    writer.WriteString(DeleteKey, component.Text);
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static TextComponent ParseComponent(JsonElement item, int index)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.Number:
                return TextComponent.Unchecked(TextComponentKind.Skip, ReadCount(item, index, "A skip"), null);
            case JsonValueKind.String:
                var text = ReadText(item, index, "An insert", out var length);
                return TextComponent.Unchecked(TextComponentKind.Insert, length, text);
            case JsonValueKind.Object:
                return ParseDelete(item, index);
            default:
                throw Invalid(
                    $"Text op component {index}: expected a skip (positive integer), an insert (string) or a delete ({{\"d\": N}} or {{\"d\": \"text\"}}), not {Describe(item.ValueKind)}.");
        }
    }

    private static TextComponent ParseDelete(JsonElement item, int index)
    {
        JsonElement? value = null;
        foreach (var property in item.EnumerateObject())
        {
            if (value is not null || !property.NameEquals("d"))
            {
                throw Invalid($"Text op component {index}: a delete must be {{\"d\": N}} or {{\"d\": \"text\"}} with no other property.");
            }

            value = property.Value;
        }

        switch (value?.ValueKind)
        {
            case JsonValueKind.Number:
                return TextComponent.Unchecked(TextComponentKind.Delete, ReadCount(value.Value, index, "A delete count"), null);
            case JsonValueKind.String:
                var text = ReadText(value.Value, index, "A delete's text", out var length);
                return TextComponent.Unchecked(TextComponentKind.Delete, length, text);
            default:
                throw Invalid($"Text op component {index}: a delete must be {{\"d\": N}} or {{\"d\": \"text\"}}.");
        }
    }

    private static int ReadCount(JsonElement number, int index, string what)
    {
        if (number.TryGetInt32(out var count) && count > 0)
        {
            return count;
        }

        // JavaScript writes whole numbers without a fraction, but 1.0 and 1e2 are the same numbers to it.
        if (number.TryGetDouble(out var value) && value >= 1 && value <= int.MaxValue && Math.Floor(value) == value)
        {
            return (int)value;
        }

        throw Invalid($"Text op component {index}: {what} must be a positive integer below 2^31, not {number.GetRawText()}.");
    }

    private static string ReadText(JsonElement element, int index, string what, out int length)
    {
        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape a lone surrogate such as "\ud800".
            throw Invalid($"Text op component {index}: {what} holds a lone surrogate (ill-formed UTF-16).");
        }

        if (text.Length == 0)
        {
            throw Invalid($"Text op component {index}: {what} must not be empty.");
        }

        length = CodePoints.CountWellFormed(text);
        if (length < 0)
        {
            throw Invalid($"Text op component {index}: {what} holds a lone surrogate (ill-formed UTF-16).");
        }

        return text;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static LiveSyncException Invalid(string message) => new(ErrorCodes.InvalidOp, message);
}
