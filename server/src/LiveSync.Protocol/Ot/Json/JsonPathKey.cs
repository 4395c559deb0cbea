using System.Globalization;

namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// One step of a <c>json</c> op's path: a list index (a JSON number) or an object property name (a JSON
/// string). Equality is JavaScript's <c>===</c>: the index 1 and the name "1" differ.
/// </summary>
public readonly struct JsonPathKey : IEquatable<JsonPathKey>
{
    private JsonPathKey(int index, string? name)
    {
        Index = index;
        Name = name;
    }

    /// <summary>True for a list index, false for a property name.</summary>
    public bool IsIndex => Name is null;

    /// <summary>The list index; 0 for a property name.</summary>
    public int Index { get; }

    /// <summary>The property name; null for a list index.</summary>
    public string? Name { get; }

    /// <summary>A list index.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static JsonPathKey FromIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new JsonPathKey(index, null);
    }

    /// <summary>A property name.</summary>
    public static JsonPathKey FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new JsonPathKey(0, name);
    }

    /// <summary>A list index, as <see cref="FromIndex"/>.</summary>
    public static implicit operator JsonPathKey(int index) => FromIndex(index);

    /// <summary>A property name, as <see cref="FromName"/>.</summary>
    public static implicit operator JsonPathKey(string name) => FromName(name);

    /// <summary>True when both are the same index or the same name.</summary>
    public static bool operator ==(JsonPathKey left, JsonPathKey right) => left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(JsonPathKey, JsonPathKey)"/>.</summary>
    public static bool operator !=(JsonPathKey left, JsonPathKey right) => !left.Equals(right);

    /// <summary>An index moved by <paramref name="delta"/>, for transforms.</summary>
    internal JsonPathKey Add(int delta) => new(Index + delta, null);

    /// <inheritdoc />
    public bool Equals(JsonPathKey other) => Index == other.Index && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is JsonPathKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Name is null ? Index : string.GetHashCode(Name, StringComparison.Ordinal);

    /// <summary>The index in decimal, or the name.</summary>
    public override string ToString() => Name ?? Index.ToString(CultureInfo.InvariantCulture);
}
