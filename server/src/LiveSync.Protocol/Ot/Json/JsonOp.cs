using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;

namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// An op of the <c>json</c> type, in the format of the npm package <c>ot-json0</c>: a JSON array of
/// <see cref="JsonOpComponent"/>s applied in turn, for example
/// <c>[{"p": ["title"], "od": "Old", "oi": "New"}, {"p": ["tags", 0], "li": "draft"}]</c>.
/// </summary>
/// <remarks>
/// Immutable and always normalized as ot-json0's <c>normalize</c> leaves an op: each component has been
/// appended by its merge rules, so for example two <c>na</c> at one path are one, and an <c>si</c> that
/// continues the previous one is part of it. Like the package's, that normalization looks only at the last
/// component, so normalizing twice can merge more (<c>li 1</c>, then a replace of it by <c>2</c>, then
/// <c>ld 2</c> leaves <c>li 1, ld 1</c>); the effect is the same either way. Equality compares components,
/// values as JSON.
/// </remarks>
public sealed class JsonOp : IEquatable<JsonOp>
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonOpComponent[] _components;

    private JsonOp(JsonOpComponent[] components)
    {
        _components = components;
    }

    /// <summary>The op that changes nothing: <c>[]</c>.</summary>
    public static JsonOp Empty { get; } = new([]);

    /// <summary>The components, normalized, in the order they apply.</summary>
    public ReadOnlySpan<JsonOpComponent> Components => _components;

    /// <summary>The number of components.</summary>
    public int Count => _components.Length;

    /// <summary>True for <c>[]</c>, the op that changes nothing.</summary>
    public bool IsNoop => _components.Length == 0;

    /// <summary>An op of <paramref name="components"/>, normalized as ot-json0's <c>normalize</c> does.</summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when merging two string components would split a surrogate pair.
    /// </exception>
    public static JsonOp FromComponents(ReadOnlySpan<JsonOpComponent> components)
    {
        var builder = new List<JsonOpComponent>(components.Length);
        foreach (var component in components)
        {
            ArgumentNullException.ThrowIfNull(component, nameof(components));
            JsonOpAppender.Append(builder, component);
        }

        return FromList(builder);
    }

    /// <summary>
    /// Parses, checks and normalizes an op from its wire JSON: an array of components, each an object with the
    /// path <c>p</c> and one instruction (or the pairs <c>li</c>+<c>ld</c>, <c>oi</c>+<c>od</c>), and no other
    /// property. Paths hold non-negative integer indexes and property names; list instructions end their path
    /// with an index, string instructions with an offset, object instructions with a name (or an empty path, to
    /// set the root). Strings must be well-formed UTF-16. Subtype components (<c>t</c>/<c>o</c>) are rejected.
    /// </summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the op breaks any rule above.</exception>
    public static JsonOp Parse(JsonElement op)
    {
        if (op.ValueKind != JsonValueKind.Array)
        {
            throw new LiveSyncException(ErrorCodes.InvalidOp, "A json op must be a JSON array of components such as {\"p\": [\"key\"], \"oi\": 1}.");
        }

        var length = op.GetArrayLength();
        if (length == 0)
        {
            return Empty;
        }

        var builder = new List<JsonOpComponent>(length);
        var index = 0;
        foreach (var item in op.EnumerateArray())
        {
            JsonOpAppender.Append(builder, JsonOpComponent.Parse(item, index++));
        }

        return FromList(builder);
    }

    /// <summary>Parses, checks and normalizes an op from JSON text, as <see cref="Parse(JsonElement)"/>.</summary>
    /// <exception cref="LiveSyncException">With <see cref="ErrorCodes.InvalidOp"/> when the text is not JSON or not a valid op.</exception>
    public static JsonOp Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new LiveSyncException(ErrorCodes.InvalidOp, $"A json op must be JSON: {e.Message}");
        }
        catch (ArgumentException)
        {
            throw new LiveSyncException(ErrorCodes.InvalidOp, "A json op must be well-formed UTF-16: the text holds a lone surrogate.");
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    /// <summary>True when both ops have the same components.</summary>
    public static bool operator ==(JsonOp? left, JsonOp? right) => left is null ? right is null : left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(JsonOp, JsonOp)"/>.</summary>
    public static bool operator !=(JsonOp? left, JsonOp? right) => !(left == right);

    /// <summary>Writes the op's wire JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var component in _components)
        {
            component.WriteTo(writer);
        }

        writer.WriteEndArray();
    }

    /// <summary>The op's compact wire JSON, e.g. <c>[{"p":["n"],"na":1}]</c>; non-ASCII text is written as is.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * (_components.Length + 1));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The op's wire JSON, as <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();

    /// <inheritdoc />
    public bool Equals(JsonOp? other)
    {
        if (other is null || other._components.Length != _components.Length)
        {
            return false;
        }

        for (var i = 0; i < _components.Length; i++)
        {
            if (!_components[i].Equals(other._components[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as JsonOp);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var component in _components)
        {
            hash.Add(component);
        }

        return hash.ToHashCode();
    }

    /// <summary>An op of components built by the append rules; the list's components are private clones.</summary>
    internal static JsonOp FromList(List<JsonOpComponent> components) =>
        components.Count == 0 ? Empty : new JsonOp(components.ToArray());
}
