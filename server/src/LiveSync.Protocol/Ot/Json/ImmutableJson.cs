using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// An immutable JSON value: the snapshot of a <c>json</c> document and the values its ops insert and delete.
/// Numbers are IEEE doubles, as in JavaScript; strings are well-formed UTF-16; objects keep their properties in
/// insertion order. Because nothing can change a value once made, an op's apply copies only the containers
/// along its path and shares every other subtree with the snapshot it started from, which readers may keep.
/// </summary>
/// <remarks>
/// Containers are flat arrays: a change copies the one array at each level of the path, and an object finds a
/// property by scanning its keys. That is fast for the small, wide-and-shallow objects collaborative documents
/// hold; a container of many thousands of entries costs a copy of its entry references per change.
/// </remarks>
public sealed class ImmutableJson : IEquatable<ImmutableJson>
{
    private static readonly KeyValuePair<string, ImmutableJson>[] NoProperties = [];
    private static readonly ImmutableJson[] NoItems = [];

    // A string, an ImmutableJson[] or a KeyValuePair<string, ImmutableJson>[], by kind; null for the rest.
    private readonly object? _payload;
    private readonly double _number;

    private ImmutableJson(JsonValueKind kind, object? payload, double number, long size)
    {
        Kind = kind;
        _payload = payload;
        _number = number;
        Size = size;
    }

    /// <summary>JSON <c>null</c>.</summary>
    public static ImmutableJson Null { get; } = new(JsonValueKind.Null, null, 0, 4);

    /// <summary>JSON <c>true</c>.</summary>
    public static ImmutableJson True { get; } = new(JsonValueKind.True, null, 0, 4);

    /// <summary>JSON <c>false</c>.</summary>
    public static ImmutableJson False { get; } = new(JsonValueKind.False, null, 0, 5);

    /// <summary>The empty object <c>{}</c>.</summary>
    public static ImmutableJson EmptyObject { get; } = new(JsonValueKind.Object, NoProperties, 0, 2);

    /// <summary>The empty array <c>[]</c>.</summary>
    public static ImmutableJson EmptyArray { get; } = new(JsonValueKind.Array, NoItems, 0, 2);

    /// <summary>
    /// The value's kind: <see cref="JsonValueKind.Object"/>, <see cref="JsonValueKind.Array"/>,
    /// <see cref="JsonValueKind.String"/>, <see cref="JsonValueKind.Number"/>, <see cref="JsonValueKind.True"/>,
    /// <see cref="JsonValueKind.False"/> or <see cref="JsonValueKind.Null"/>.
    /// </summary>
    public JsonValueKind Kind { get; }

    /// <summary>
    /// The length of the value's compact JSON text in UTF-16 chars, not counting escapes: the <c>json</c> type's
    /// size unit for document limits. Computed once, when the value is made.
    /// </summary>
    public long Size { get; }

    /// <summary>The number of items of an array or properties of an object; 0 for other kinds.</summary>
    public int Count => _payload switch
    {
        ImmutableJson[] items => items.Length,
        KeyValuePair<string, ImmutableJson>[] properties => properties.Length,
        _ => 0,
    };

    /// <summary>An array's items; empty for other kinds.</summary>
    public ReadOnlySpan<ImmutableJson> Items => _payload as ImmutableJson[];

    /// <summary>An object's properties in insertion order; empty for other kinds.</summary>
    public ReadOnlySpan<KeyValuePair<string, ImmutableJson>> Properties => _payload as KeyValuePair<string, ImmutableJson>[];

    /// <summary>An array's item at <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    /// <exception cref="IndexOutOfRangeException">The index is out of range.</exception>
    public ImmutableJson this[int index] =>
        (_payload as ImmutableJson[] ?? throw new InvalidOperationException($"A JSON {Kind} has no items."))[index];

    /// <summary>An object's property named <paramref name="name"/>, or null when the object has none.</summary>
    /// <exception cref="InvalidOperationException">The value is not an object.</exception>
    public ImmutableJson? this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            var properties = _payload as KeyValuePair<string, ImmutableJson>[]
                ?? throw new InvalidOperationException($"A JSON {Kind} has no properties.");
            var i = IndexOf(properties, name);
            return i < 0 ? null : properties[i].Value;
        }
    }

    /// <summary>A JSON number.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite, which JSON cannot hold.</exception>
    public static ImmutableJson FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON numbers are finite.");
        }

        if (value == 0)
        {
            // JSON.stringify writes -0 as 0; one zero keeps equality and sizes simple.
            value = 0;
        }

        Span<char> buffer = stackalloc char[32];
        value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture);
        return new ImmutableJson(JsonValueKind.Number, null, value, written);
    }

    /// <summary>A JSON string.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds a lone surrogate.</exception>
    public static ImmutableJson FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!CodePoints.IsWellFormed(value))
        {
            throw new ArgumentException("JSON strings here must be well-formed UTF-16: the text holds a lone surrogate.", nameof(value));
        }

        return OfString(value);
    }

    /// <summary>JSON <c>true</c> or <c>false</c>.</summary>
    public static ImmutableJson FromBoolean(bool value) => value ? True : False;

    /// <summary>A JSON array of <paramref name="items"/> (copied).</summary>
    public static ImmutableJson FromItems(ReadOnlySpan<ImmutableJson> items)
    {
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
        }

        return items.IsEmpty ? EmptyArray : OfItems(items.ToArray());
    }

    /// <summary>A JSON object of <paramref name="properties"/> (copied), in that order.</summary>
    /// <exception cref="ArgumentException">Two properties share a name, or a name holds a lone surrogate.</exception>
    public static ImmutableJson FromProperties(ReadOnlySpan<KeyValuePair<string, ImmutableJson>> properties)
    {
        var copy = properties.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i].Key, nameof(properties));
            ArgumentNullException.ThrowIfNull(copy[i].Value, nameof(properties));
            if (!CodePoints.IsWellFormed(copy[i].Key))
            {
                throw new ArgumentException("A property name holds a lone surrogate.", nameof(properties));
            }

            if (IndexOf(copy.AsSpan(0, i), copy[i].Key) >= 0)
            {
                throw new ArgumentException($"Two properties are named '{copy[i].Key}'.", nameof(properties));
            }
        }

        return copy.Length == 0 ? EmptyObject : OfProperties(copy);
    }

    /// <summary>
    /// Reads a JSON value. Numbers become doubles, as JavaScript's <c>JSON.parse</c> makes them.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when a string or property name holds a lone surrogate, an object
    /// repeats a property name, or a number is too large for a double.
    /// </exception>
    public static ImmutableJson FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return Null;
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    throw Invalid($"The number {element.GetRawText()} is too large for a double.");
                }

                return FromNumber(number);
            case JsonValueKind.String:
                return OfString(ReadString(element));
            case JsonValueKind.Array:
                var length = element.GetArrayLength();
                if (length == 0)
                {
                    return EmptyArray;
                }

                var items = new ImmutableJson[length];
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    items[index++] = FromElement(item);
                }

                return OfItems(items);
            case JsonValueKind.Object:
                var properties = new List<KeyValuePair<string, ImmutableJson>>();
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw Invalid("A property name holds a lone surrogate (ill-formed UTF-16).");
                    }

                    if (!CodePoints.IsWellFormed(name))
                    {
                        throw Invalid("A property name holds a lone surrogate (ill-formed UTF-16).");
                    }

                    // Small objects are scanned; a set only for large ones.
                    var duplicate = properties.Count < 16
                        ? IndexOf(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(properties), name) >= 0
                        : !(seen ??= MakeSet(properties)).Add(name);
                    if (duplicate)
                    {
                        throw Invalid($"An object repeats the property '{name}'.");
                    }

                    seen?.Add(name);
                    properties.Add(new KeyValuePair<string, ImmutableJson>(name, FromElement(property.Value)));
                }

                return properties.Count == 0 ? EmptyObject : OfProperties(properties.ToArray());
            default:
                throw Invalid("Expected a JSON value.");
        }
    }

    /// <summary>Parses JSON text, as <see cref="FromElement"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the text is not JSON or breaks a rule of <see cref="FromElement"/>.</exception>
    public static ImmutableJson Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid($"Expected JSON: {e.Message}");
        }
        catch (ArgumentException)
        {
            throw Invalid("The text holds a lone surrogate (ill-formed UTF-16).");
        }

        using (document)
        {
            return FromElement(document.RootElement);
        }
    }

    /// <summary>True when both values are equal as JSON: numbers by value, objects regardless of property order.</summary>
    public static bool operator ==(ImmutableJson? left, ImmutableJson? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(ImmutableJson, ImmutableJson)"/>.</summary>
    public static bool operator !=(ImmutableJson? left, ImmutableJson? right) => !(left == right);

    /// <summary>A number's value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double GetNumber() =>
        Kind == JsonValueKind.Number ? _number : throw new InvalidOperationException($"A JSON {Kind} is not a number.");

    /// <summary>A string's value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string GetString() =>
        _payload as string ?? throw new InvalidOperationException($"A JSON {Kind} is not a string.");

    /// <summary>A boolean's value.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool GetBoolean() => Kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new InvalidOperationException($"A JSON {Kind} is not a boolean."),
    };

    /// <summary>The index of an object's property named <paramref name="name"/>, or -1; -1 for other kinds.</summary>
    public int IndexOfProperty(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _payload is KeyValuePair<string, ImmutableJson>[] properties ? IndexOf(properties, name) : -1;
    }

    /// <summary>Writes the value.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Number:
                writer.WriteNumberValue(_number);
                break;
            case JsonValueKind.String:
                writer.WriteStringValue((string)_payload!);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in (ImmutableJson[])_payload!)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var property in (KeyValuePair<string, ImmutableJson>[])_payload!)
                {
                    writer.WritePropertyName(property.Key);
                    property.Value.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>The value's compact JSON text.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The value's compact JSON text, as <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();

    /// <inheritdoc />
    public bool Equals(ImmutableJson? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Kind != Kind || other.Size != Size)
        {
            return false;
        }

        switch (Kind)
        {
            case JsonValueKind.Number:
                return _number == other._number;
            case JsonValueKind.String:
                return string.Equals((string)_payload!, (string)other._payload!, StringComparison.Ordinal);
            case JsonValueKind.Array:
                var items = (ImmutableJson[])_payload!;
                var otherItems = (ImmutableJson[])other._payload!;
                if (items.Length != otherItems.Length)
                {
                    return false;
                }

                for (var i = 0; i < items.Length; i++)
                {
                    if (!items[i].Equals(otherItems[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                var properties = (KeyValuePair<string, ImmutableJson>[])_payload!;
                var otherProperties = (KeyValuePair<string, ImmutableJson>[])other._payload!;
                if (properties.Length != otherProperties.Length)
                {
                    return false;
                }

                for (var i = 0; i < properties.Length; i++)
                {
                    // Same order is the common case: try the same index before scanning.
                    var j = string.Equals(otherProperties[i].Key, properties[i].Key, StringComparison.Ordinal)
                        ? i
                        : IndexOf(otherProperties, properties[i].Key);
                    if (j < 0 || !properties[i].Value.Equals(otherProperties[j].Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ImmutableJson);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        switch (Kind)
        {
            case JsonValueKind.Number:
                return _number.GetHashCode();
            case JsonValueKind.String:
                return string.GetHashCode((string)_payload!, StringComparison.Ordinal);
            case JsonValueKind.Array:
                var hash = new HashCode();
                foreach (var item in (ImmutableJson[])_payload!)
                {
                    hash.Add(item.GetHashCode());
                }

                return hash.ToHashCode();
            case JsonValueKind.Object:
                // Order-independent, as equality is.
                var sum = 0;
                foreach (var property in (KeyValuePair<string, ImmutableJson>[])_payload!)
                {
                    sum += HashCode.Combine(string.GetHashCode(property.Key, StringComparison.Ordinal), property.Value.GetHashCode());
                }

                return HashCode.Combine(Kind, sum);
            default:
                return (int)Kind;
        }
    }

    /// <summary>A copy of this array with <paramref name="value"/> inserted at <paramref name="index"/>.</summary>
    internal ImmutableJson InsertItem(int index, ImmutableJson value)
    {
        var items = (ImmutableJson[])_payload!;
        var copy = new ImmutableJson[items.Length + 1];
        items.AsSpan(0, index).CopyTo(copy);
        copy[index] = value;
        items.AsSpan(index).CopyTo(copy.AsSpan(index + 1));
        return OfItems(copy, Size + value.Size + (items.Length == 0 ? 0 : 1));
    }

    /// <summary>A copy of this array without the item at <paramref name="index"/>.</summary>
    internal ImmutableJson RemoveItem(int index)
    {
        var items = (ImmutableJson[])_payload!;
        if (items.Length == 1)
        {
            return EmptyArray;
        }

        var copy = new ImmutableJson[items.Length - 1];
        items.AsSpan(0, index).CopyTo(copy);
        items.AsSpan(index + 1).CopyTo(copy.AsSpan(index));
        return OfItems(copy, Size - items[index].Size - 1);
    }

    /// <summary>A copy of this array with the item at <paramref name="index"/> replaced.</summary>
    internal ImmutableJson SetItem(int index, ImmutableJson value)
    {
        var items = (ImmutableJson[])_payload!;
        var copy = (ImmutableJson[])items.Clone();
        copy[index] = value;
        return OfItems(copy, Size - items[index].Size + value.Size);
    }

    /// <summary>A copy of this array with the item at <paramref name="from"/> moved to <paramref name="to"/>.</summary>
    internal ImmutableJson MoveItem(int from, int to)
    {
        var copy = (ImmutableJson[])((ImmutableJson[])_payload!).Clone();
        var item = copy[from];
        if (from < to)
        {
            copy.AsSpan(from + 1, to - from).CopyTo(copy.AsSpan(from));
        }
        else
        {
            copy.AsSpan(to, from - to).CopyTo(copy.AsSpan(to + 1));
        }

        copy[to] = item;
        return OfItems(copy, Size);
    }

    /// <summary>A copy of this object with property <paramref name="index"/> (or a new last property, for -1) set.</summary>
    internal ImmutableJson SetProperty(int index, string name, ImmutableJson value)
    {
        var properties = (KeyValuePair<string, ImmutableJson>[])_payload!;
        KeyValuePair<string, ImmutableJson>[] copy;
        long size;
        if (index < 0)
        {
            copy = new KeyValuePair<string, ImmutableJson>[properties.Length + 1];
            properties.CopyTo(copy, 0);
            copy[^1] = new KeyValuePair<string, ImmutableJson>(name, value);
            size = Size + PropertySize(name, value) + (properties.Length == 0 ? 0 : 1);
        }
        else
        {
            copy = (KeyValuePair<string, ImmutableJson>[])properties.Clone();
            copy[index] = new KeyValuePair<string, ImmutableJson>(name, value);
            size = Size - properties[index].Value.Size + value.Size;
        }

        return OfProperties(copy, size);
    }

    /// <summary>A copy of this object without property <paramref name="index"/>.</summary>
    internal ImmutableJson RemoveProperty(int index)
    {
        var properties = (KeyValuePair<string, ImmutableJson>[])_payload!;
        if (properties.Length == 1)
        {
            return EmptyObject;
        }

        var copy = new KeyValuePair<string, ImmutableJson>[properties.Length - 1];
        properties.AsSpan(0, index).CopyTo(copy);
        properties.AsSpan(index + 1).CopyTo(copy.AsSpan(index));
        return OfProperties(copy, Size - PropertySize(properties[index].Key, properties[index].Value) - 1);
    }

    /// <summary>A string of well-formed <paramref name="value"/>, unchecked.</summary>
    internal static ImmutableJson OfString(string value) =>
        new(JsonValueKind.String, value, 0, value.Length + 2L);

    /// <summary>Reads a JSON string element, rejecting a lone surrogate.</summary>
    internal static string ReadString(JsonElement element)
    {
        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape a lone surrogate such as "\ud800".
            throw Invalid("A string holds a lone surrogate (ill-formed UTF-16).");
        }

        if (!CodePoints.IsWellFormed(text))
        {
            throw Invalid("A string holds a lone surrogate (ill-formed UTF-16).");
        }

        return text;
    }

    private static ImmutableJson OfItems(ImmutableJson[] items)
    {
        var size = 1L + items.Length;
        foreach (var item in items)
        {
            size += item.Size;
        }

        return OfItems(items, size);
    }

    private static ImmutableJson OfItems(ImmutableJson[] items, long size) =>
        new(JsonValueKind.Array, items, 0, items.Length == 0 ? 2 : size);

    private static ImmutableJson OfProperties(KeyValuePair<string, ImmutableJson>[] properties)
    {
        var size = 1L + properties.Length;
        foreach (var property in properties)
        {
            size += PropertySize(property.Key, property.Value);
        }

        return OfProperties(properties, size);
    }

    private static ImmutableJson OfProperties(KeyValuePair<string, ImmutableJson>[] properties, long size) =>
        new(JsonValueKind.Object, properties, 0, properties.Length == 0 ? 2 : size);

    // "name": plus the value; the separating comma is counted by the container.
    private static long PropertySize(string name, ImmutableJson value) => name.Length + 3L + value.Size;

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, ImmutableJson>> properties, string name)
    {
        for (var i = 0; i < properties.Length; i++)
        {
            if (string.Equals(properties[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static HashSet<string> MakeSet(List<KeyValuePair<string, ImmutableJson>> properties)
    {
        var set = new HashSet<string>(properties.Count * 2, StringComparer.Ordinal);
        foreach (var property in properties)
        {
            set.Add(property.Key);
        }

        return set;
    }

    private static LiveSyncException Invalid(string message) => new(ErrorCodes.InvalidOp, message);
}
