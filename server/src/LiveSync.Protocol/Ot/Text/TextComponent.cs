namespace LiveSync.Protocol.Ot.Text;

/// <summary>
/// One component of a <see cref="TextOp"/>: skip, insert or delete, with its length in code points cached so
/// transform and compose never recount. Immutable; <c>default</c> is an empty skip, which ops drop.
/// </summary>
public readonly struct TextComponent : IEquatable<TextComponent>
{
    private TextComponent(TextComponentKind kind, int length, string? text)
    {
        Kind = kind;
        Length = length;
        Text = text;
    }

    /// <summary>Whether this component skips, inserts or deletes.</summary>
    public TextComponentKind Kind { get; }

    /// <summary>The component's length in code points: skipped, inserted or deleted.</summary>
    public int Length { get; }

    /// <summary>
    /// The inserted text for an insert; the deleted text for a delete that carries it (<c>{"d": "text"}</c>);
    /// otherwise null.
    /// </summary>
    public string? Text { get; }

    /// <summary>Keep <paramref name="count"/> code points.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static TextComponent Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new(TextComponentKind.Skip, count, null);
    }

    /// <summary>Insert <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or holds a lone surrogate.</exception>
    public static TextComponent Insert(string text) => new(TextComponentKind.Insert, CheckedLength(text), text);

    /// <summary>Delete <paramref name="count"/> code points (<c>{"d": N}</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static TextComponent Delete(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new(TextComponentKind.Delete, count, null);
    }

    /// <summary>Delete exactly <paramref name="text"/> (<c>{"d": "text"}</c>); applying fails if the document differs.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or holds a lone surrogate.</exception>
    public static TextComponent Delete(string text) => new(TextComponentKind.Delete, CheckedLength(text), text);

    /// <summary>Equal when kind, length and text (ordinal) are equal; <c>{"d": 3}</c> differs from <c>{"d": "abc"}</c>.</summary>
    public static bool operator ==(TextComponent left, TextComponent right) => left.Equals(right);

    /// <summary>The negation of <see cref="operator ==(TextComponent, TextComponent)"/>.</summary>
    public static bool operator !=(TextComponent left, TextComponent right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(TextComponent other) =>
        Kind == other.Kind && Length == other.Length && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TextComponent other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Length, Text is null ? 0 : string.GetHashCode(Text, StringComparison.Ordinal));

    /// <summary>The component's wire JSON, e.g. <c>3</c>, <c>"hi"</c> or <c>{"d":2}</c>.</summary>
    public override string ToString() => TextOp.ComponentToJson(this);

    /// <summary>A component from parts already checked: a positive length that matches the well-formed text, if any.</summary>
    internal static TextComponent Unchecked(TextComponentKind kind, int length, string? text) => new(kind, length, text);

    private static int CheckedLength(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var length = CodePoints.CountWellFormed(text);
        if (length < 0)
        {
            throw new ArgumentException("The text holds a lone surrogate (ill-formed UTF-16).", nameof(text));
        }

        return length;
    }
}
