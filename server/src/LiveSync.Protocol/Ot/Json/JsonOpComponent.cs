using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// One component of a <c>json</c> op, in the format of the npm package <c>ot-json0</c>: an object with a path
/// <c>p</c> (an array of list indexes and property names) and one instruction:
/// <c>{"p": [..., "k"], "oi": v}</c> sets a property, <c>"od"</c> deletes one (both: replace);
/// <c>{"p": [..., 3], "li": v}</c> inserts into a list, <c>"ld"</c> deletes (both: replace), <c>"lm": 5</c>
/// moves the item to index 5; <c>{"p": [...], "na": 2}</c> adds to a number; <c>{"p": [..., "s", 4], "si": "x"}</c>
/// and <c>"sd"</c> insert and delete text at UTF-16 offset 4 of a string, as ot-json0's embedded text0 type does.
/// </summary>
/// <remarks>
/// Immutable once made. The path of <c>oi</c>, <c>od</c> and <c>na</c> may be empty, to set or add to the
/// document's root, as ot-json0 allows; a root <c>od</c> alone is rejected, since it would leave no document.
/// Subtype components (<c>t</c> and <c>o</c>) are not supported.
/// </remarks>
public sealed class JsonOpComponent : IEquatable<JsonOpComponent>
{
    // Encoded once: saves escaping and transcoding the property names on every component written.
    private static readonly JsonEncodedText PKey = JsonEncodedText.Encode("p");
    private static readonly JsonEncodedText NaKey = JsonEncodedText.Encode("na");
    private static readonly JsonEncodedText LiKey = JsonEncodedText.Encode("li");
    private static readonly JsonEncodedText LdKey = JsonEncodedText.Encode("ld");
    private static readonly JsonEncodedText LmKey = JsonEncodedText.Encode("lm");
    private static readonly JsonEncodedText OiKey = JsonEncodedText.Encode("oi");
    private static readonly JsonEncodedText OdKey = JsonEncodedText.Encode("od");
    private static readonly JsonEncodedText SiKey = JsonEncodedText.Encode("si");
    private static readonly JsonEncodedText SdKey = JsonEncodedText.Encode("sd");

    internal JsonOpComponent(JsonPathKey[] path)
    {
        Keys = path;
    }

    /// <summary>The path: list indexes and property names from the root; for <c>si</c>/<c>sd</c> it ends with the offset.</summary>
    public ReadOnlySpan<JsonPathKey> Path => Keys;

    /// <summary>What the component does.</summary>
    public JsonOpKind Kind =>
        Na is not null ? JsonOpKind.NumberAdd
        : Lm is not null ? JsonOpKind.ListMove
        : Li is not null ? (Ld is not null ? JsonOpKind.ListReplace : JsonOpKind.ListInsert)
        : Ld is not null ? JsonOpKind.ListDelete
        : Oi is not null ? (Od is not null ? JsonOpKind.ObjectReplace : JsonOpKind.ObjectInsert)
        : Od is not null ? JsonOpKind.ObjectDelete
        : Si is not null ? JsonOpKind.StringInsert
        : JsonOpKind.StringDelete;

    /// <summary><c>na</c>: the number to add, or null.</summary>
    public double? Na { get; internal set; }

    /// <summary><c>li</c>: the list item to insert, or null (a JSON null item is <see cref="ImmutableJson.Null"/>).</summary>
    public ImmutableJson? Li { get; internal set; }

    /// <summary><c>ld</c>: the list item to delete, or null.</summary>
    public ImmutableJson? Ld { get; internal set; }

    /// <summary><c>lm</c>: the index to move the list item to, or null.</summary>
    public int? Lm { get; internal set; }

    /// <summary><c>oi</c>: the property value to set, or null.</summary>
    public ImmutableJson? Oi { get; internal set; }

    /// <summary><c>od</c>: the property value to delete, or null.</summary>
    public ImmutableJson? Od { get; internal set; }

    /// <summary><c>si</c>: the text to insert, or null.</summary>
    public string? Si { get; internal set; }

    /// <summary><c>sd</c>: the text to delete, or null.</summary>
    public string? Sd { get; internal set; }

    /// <summary>True for <c>si</c> and <c>sd</c>, the components ot-json0 hands to its text0 subtype.</summary>
    internal bool IsString => Si is not null || Sd is not null;

    /// <summary>The path, writable by the transform, which works on clones.</summary>
    internal JsonPathKey[] Keys { get; set; }

    /// <summary><c>{"p": path, "na": amount}</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amount"/> is not finite.</exception>
    public static JsonOpComponent NumberAdd(ReadOnlySpan<JsonPathKey> path, double amount)
    {
        if (!double.IsFinite(amount))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "JSON numbers are finite.");
        }

        return Checked(new JsonOpComponent(path.ToArray()) { Na = amount });
    }

    /// <summary><c>{"p": path, "li": value}</c>; the path ends with the index to insert at.</summary>
    /// <exception cref="ArgumentException">The path does not end with an index.</exception>
    public static JsonOpComponent ListInsert(ReadOnlySpan<JsonPathKey> path, ImmutableJson value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Checked(new JsonOpComponent(path.ToArray()) { Li = value });
    }

    /// <summary><c>{"p": path, "ld": value}</c>; the path ends with the index of the item, which must equal <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The path does not end with an index.</exception>
    public static JsonOpComponent ListDelete(ReadOnlySpan<JsonPathKey> path, ImmutableJson value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Checked(new JsonOpComponent(path.ToArray()) { Ld = value });
    }

    /// <summary><c>{"p": path, "ld": oldValue, "li": newValue}</c>.</summary>
    /// <exception cref="ArgumentException">The path does not end with an index.</exception>
    public static JsonOpComponent ListReplace(ReadOnlySpan<JsonPathKey> path, ImmutableJson oldValue, ImmutableJson newValue)
    {
        ArgumentNullException.ThrowIfNull(oldValue);
        ArgumentNullException.ThrowIfNull(newValue);
        return Checked(new JsonOpComponent(path.ToArray()) { Ld = oldValue, Li = newValue });
    }

    /// <summary><c>{"p": path, "lm": to}</c>: moves the item at the path's last index to index <paramref name="to"/>.</summary>
    /// <exception cref="ArgumentException">The path does not end with an index.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is negative.</exception>
    public static JsonOpComponent ListMove(ReadOnlySpan<JsonPathKey> path, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        return Checked(new JsonOpComponent(path.ToArray()) { Lm = to });
    }

    /// <summary><c>{"p": path, "oi": value}</c>; the path ends with the property name, or is empty to set the root.</summary>
    /// <exception cref="ArgumentException">The path does not end with a name.</exception>
    public static JsonOpComponent ObjectInsert(ReadOnlySpan<JsonPathKey> path, ImmutableJson value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Checked(new JsonOpComponent(path.ToArray()) { Oi = value });
    }

    /// <summary><c>{"p": path, "od": value}</c>; the property's value must equal <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The path does not end with a name.</exception>
    public static JsonOpComponent ObjectDelete(ReadOnlySpan<JsonPathKey> path, ImmutableJson value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Checked(new JsonOpComponent(path.ToArray()) { Od = value });
    }

    /// <summary><c>{"p": path, "od": oldValue, "oi": newValue}</c>; an empty path replaces the root.</summary>
    /// <exception cref="ArgumentException">The path does not end with a name.</exception>
    public static JsonOpComponent ObjectReplace(ReadOnlySpan<JsonPathKey> path, ImmutableJson oldValue, ImmutableJson newValue)
    {
        ArgumentNullException.ThrowIfNull(oldValue);
        ArgumentNullException.ThrowIfNull(newValue);
        return Checked(new JsonOpComponent(path.ToArray()) { Od = oldValue, Oi = newValue });
    }

    /// <summary><c>{"p": path, "si": text}</c>; the path ends with the UTF-16 offset in the string.</summary>
    /// <exception cref="ArgumentException">The path does not end with an offset, or the text holds a lone surrogate.</exception>
    public static JsonOpComponent StringInsert(ReadOnlySpan<JsonPathKey> path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Checked(new JsonOpComponent(path.ToArray()) { Si = text });
    }

    /// <summary><c>{"p": path, "sd": text}</c>; the path ends with the UTF-16 offset in the string.</summary>
    /// <exception cref="ArgumentException">The path does not end with an offset, or the text holds a lone surrogate.</exception>
    public static JsonOpComponent StringDelete(ReadOnlySpan<JsonPathKey> path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Checked(new JsonOpComponent(path.ToArray()) { Sd = text });
    }

    /// <summary>True when both components have the same path and instructions (values compared as JSON).</summary>
    public static bool operator ==(JsonOpComponent? left, JsonOpComponent? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(JsonOpComponent, JsonOpComponent)"/>.</summary>
    public static bool operator !=(JsonOpComponent? left, JsonOpComponent? right) => !(left == right);

    /// <summary>Writes the component's wire JSON: <c>p</c> first, then its instructions.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray(PKey);
        foreach (var key in Keys)
        {
            if (key.IsIndex)
            {
                writer.WriteNumberValue(key.Index);
            }
            else
            {
                writer.WriteStringValue(key.Name);
            }
        }

        writer.WriteEndArray();
        if (Na is { } na)
        {
            writer.WriteNumber(NaKey, na);
        }

        WriteValue(writer, LdKey, Ld);
        WriteValue(writer, LiKey, Li);
        if (Lm is { } lm)
        {
            writer.WriteNumber(LmKey, lm);
        }

        WriteValue(writer, OdKey, Od);
        WriteValue(writer, OiKey, Oi);
        if (Si is not null)
        {
            writer.WriteString(SiKey, Si);
        }

        if (Sd is not null)
        {
            writer.WriteString(SdKey, Sd);
        }

        writer.WriteEndObject();
    }

    /// <summary>The component's wire JSON.</summary>
    public override string ToString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc />
    public bool Equals(JsonOpComponent? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Path.SequenceEqual(other.Path)
                && Na == other.Na
                && Lm == other.Lm
                && string.Equals(Si, other.Si, StringComparison.Ordinal)
                && string.Equals(Sd, other.Sd, StringComparison.Ordinal)
                && Li == other.Li
                && Ld == other.Ld
                && Oi == other.Oi
                && Od == other.Od));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as JsonOpComponent);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var key in Keys)
        {
            hash.Add(key);
        }

        hash.Add(Kind);
        return hash.ToHashCode();
    }

    /// <summary>A copy whose path and instructions the transform may change.</summary>
    internal JsonOpComponent Clone() => new((JsonPathKey[])Keys.Clone())
    {
        Na = Na,
        Li = Li,
        Ld = Ld,
        Lm = Lm,
        Oi = Oi,
        Od = Od,
        Si = Si,
        Sd = Sd,
    };

    /// <summary>Parses and checks one component of a json op.</summary>
    internal static JsonOpComponent Parse(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(index, "a component must be a JSON object such as {\"p\": [\"key\"], \"oi\": 1}.");
        }

        JsonPathKey[]? path = null;
        var component = new JsonOpComponent([]);
        var instructions = 0;
        foreach (var property in item.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                throw Invalid(index, "a property name holds a lone surrogate (ill-formed UTF-16).");
            }

            var value = property.Value;
            switch (name)
            {
                case "p":
                    if (path is not null)
                    {
                        throw Invalid(index, "\"p\" is given twice.");
                    }

                    path = ParsePath(value, index);
                    break;
                case "na":
                    if (component.Na is not null)
                    {
                        throw Twice(index, name);
                    }

                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var na) || !double.IsFinite(na))
                    {
                        throw Invalid(index, "\"na\" must be a finite number.");
                    }

                    component.Na = na;
                    break;
                case "lm":
                    if (component.Lm is not null)
                    {
                        throw Twice(index, name);
                    }

                    component.Lm = ReadIndex(value, index, "\"lm\"");
                    break;
                case "li":
                    component.Li = component.Li is null ? ReadValue(value, index) : throw Twice(index, name);
                    break;
                case "ld":
                    component.Ld = component.Ld is null ? ReadValue(value, index) : throw Twice(index, name);
                    break;
                case "oi":
                    component.Oi = component.Oi is null ? ReadValue(value, index) : throw Twice(index, name);
                    break;
                case "od":
                    component.Od = component.Od is null ? ReadValue(value, index) : throw Twice(index, name);
                    break;
                case "si":
                    component.Si = component.Si is null ? ReadText(value, index, name) : throw Twice(index, name);
                    break;
                case "sd":
                    component.Sd = component.Sd is null ? ReadText(value, index, name) : throw Twice(index, name);
                    break;
                case "t":
                case "o":
                    throw Invalid(index, "subtype components (\"t\" and \"o\") are not supported; edit strings with \"si\" and \"sd\".");
                default:
                    throw Invalid(index, $"unknown property \"{name}\"; a component has \"p\" and one of na, li, ld, lm, oi, od, si, sd.");
            }

            if (name != "p")
            {
                instructions++;
            }
        }

        component.Keys = path ?? throw Invalid(index, "the path \"p\" is missing.");
        CheckShape(component, index, instructions);
        return component;
    }

    /// <summary>Checks that the component has one instruction (or an allowed pair) and a path that fits it.</summary>
    private static void CheckShape(JsonOpComponent c, int index, int instructions)
    {
        var pairs = (c.Li is not null && c.Ld is not null) || (c.Oi is not null && c.Od is not null);
        if (instructions == 0)
        {
            throw Invalid(index, "no instruction: give one of na, li, ld, lm, oi, od, si, sd.");
        }

        if (instructions > (pairs ? 2 : 1))
        {
            throw Invalid(index, "too many instructions: give one of na, li, ld, lm, oi, od, si, sd, or the pairs li+ld and oi+od.");
        }

        var path = c.Keys;
        var last = path.Length == 0 ? (JsonPathKey?)null : path[^1];
        switch (c.Kind)
        {
            case JsonOpKind.NumberAdd:
                return;
            case JsonOpKind.ListInsert:
            case JsonOpKind.ListDelete:
            case JsonOpKind.ListReplace:
            case JsonOpKind.ListMove:
                if (last is not { IsIndex: true })
                {
                    throw Invalid(index, "a list instruction's path must end with the item's index (a number).");
                }

                return;
            case JsonOpKind.StringInsert:
            case JsonOpKind.StringDelete:
                if (last is not { IsIndex: true })
                {
                    throw Invalid(index, "a string instruction's path must end with the UTF-16 offset in the string (a number).");
                }

                return;
            case JsonOpKind.ObjectDelete when last is null:
                throw Invalid(index, "\"od\" alone cannot delete the document's root; replace it with \"od\" and \"oi\".");
            default:
                if (last is { IsIndex: true })
                {
                    throw Invalid(index, "an object instruction's path must end with the property name (a string).");
                }

                return;
        }
    }

    private static JsonPathKey[] ParsePath(JsonElement value, int index)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(index, "the path \"p\" must be an array of list indexes and property names.");
        }

        var length = value.GetArrayLength();
        if (length == 0)
        {
            return [];
        }

        var path = new JsonPathKey[length];
        var i = 0;
        foreach (var key in value.EnumerateArray())
        {
            path[i++] = key.ValueKind switch
            {
                JsonValueKind.Number => JsonPathKey.FromIndex(ReadIndex(key, index, "a path index")),
                JsonValueKind.String => JsonPathKey.FromName(ReadText(key, index, "a path name")),
                _ => throw Invalid(index, "the path \"p\" holds only list indexes (numbers) and property names (strings)."),
            };
        }

        return path;
    }

    private static int ReadIndex(JsonElement value, int index, string what)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out var n) && n >= 0)
            {
                return n;
            }

            // JavaScript writes whole numbers without a fraction, but 1.0 and 1e2 are the same numbers to it.
            if (value.TryGetDouble(out var d) && d >= 0 && d <= int.MaxValue && Math.Floor(d) == d)
            {
                return (int)d;
            }
        }

        throw Invalid(index, $"{what} must be a non-negative integer below 2^31, not {value.GetRawText()}.");
    }

    private static ImmutableJson ReadValue(JsonElement value, int index)
    {
        try
        {
            return ImmutableJson.FromElement(value);
        }
        catch (LiveSyncException e)
        {
            throw Invalid(index, e.Message);
        }
    }

    private static string ReadText(JsonElement value, int index, string what)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid(index, $"{what} must be a string.");
        }

        try
        {
            return ImmutableJson.ReadString(value);
        }
        catch (LiveSyncException)
        {
            throw Invalid(index, $"{what} holds a lone surrogate (ill-formed UTF-16).");
        }
    }

    private static JsonOpComponent Checked(JsonOpComponent c)
    {
        if ((c.Si is not null && !CodePoints.IsWellFormed(c.Si)) || (c.Sd is not null && !CodePoints.IsWellFormed(c.Sd)))
        {
            throw new ArgumentException("The text holds a lone surrogate (ill-formed UTF-16).");
        }

        try
        {
            CheckShape(c, 0, c.Li is not null && c.Ld is not null || c.Oi is not null && c.Od is not null ? 2 : 1);
        }
        catch (LiveSyncException e)
        {
            throw new ArgumentException(e.Message, "path");
        }

        return c;
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonEncodedText name, ImmutableJson? value)
    {
        if (value is not null)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }

    private static LiveSyncException Twice(int index, string name) => Invalid(index, $"\"{name}\" is given twice.");

    private static LiveSyncException Invalid(int index, string message) =>
        new(ErrorCodes.InvalidOp, string.Create(CultureInfo.InvariantCulture, $"Json op component {index}: {message}"));
}
