namespace LiveSync.Protocol.Ot.Text;

/// <summary>
/// Unicode code-point arithmetic over UTF-16 text, the unit every <c>text</c> op counts in: a character outside
/// the Basic Multilingual Plane (an emoji) is one code point but two UTF-16 chars. Editor bindings use these to
/// turn an editor's UTF-16 indexes into op positions and back. Each method is one pass that jumps between
/// surrogates with a vectorized search, so text without surrogates costs almost nothing.
/// </summary>
public static class CodePoints
{
    private const char MinSurrogate = '\uD800';
    private const char MaxSurrogate = '\uDFFF';

    /// <summary>The number of code points in <paramref name="text"/>; a lone surrogate counts as one.</summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            var next = text[i..].IndexOfAnyInRange(MinSurrogate, MaxSurrogate);
            if (next < 0)
            {
                return count + (text.Length - i);
            }

            count += next + 1;
            i += next + (IsPairAt(text, i + next) ? 2 : 1);
        }
    }

    /// <summary>True when <paramref name="text"/> is well-formed UTF-16: every surrogate is half of a pair.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text) => CountWellFormed(text) >= 0;

    /// <summary>
    /// The UTF-16 index of code point <paramref name="codePointIndex"/> in <paramref name="text"/>; the text's
    /// code-point count maps to its length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative or past the end of the text.</exception>
    public static int ToUtf16Index(ReadOnlySpan<char> text, int codePointIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(codePointIndex);
        var index = Advance(text, 0, codePointIndex);
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(codePointIndex), codePointIndex, "The position is past the end of the text.");
        }

        return index;
    }

    /// <summary>The code-point index of UTF-16 index <paramref name="utf16Index"/> in <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The index is negative, past the end of the text, or between the two halves of a surrogate pair.
    /// </exception>
    public static int ToCodePointIndex(ReadOnlySpan<char> text, int utf16Index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(utf16Index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(utf16Index, text.Length);
        if (utf16Index > 0 && utf16Index < text.Length && IsPairAt(text, utf16Index - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(utf16Index), utf16Index, "The index splits a surrogate pair.");
        }

        return Count(text[..utf16Index]);
    }

    /// <summary>The number of code points in <paramref name="text"/>, or -1 when it holds a lone surrogate.</summary>
    internal static int CountWellFormed(ReadOnlySpan<char> text)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            var next = text[i..].IndexOfAnyInRange(MinSurrogate, MaxSurrogate);
            if (next < 0)
            {
                return count + (text.Length - i);
            }

            i += next;
            if (!IsPairAt(text, i))
            {
                return -1;
            }

            count += next + 1;
            i += 2;
        }
    }

    /// <summary>
    /// The UTF-16 index <paramref name="count"/> code points after <paramref name="start"/>, or -1 when the text
    /// ends first.
    /// </summary>
    internal static int Advance(ReadOnlySpan<char> text, int start, int count)
    {
        var i = start;
        while (count > 0)
        {
            // Each code point is at least one char, so fewer chars than code points left means the text ends first.
            if (text.Length - i < count)
            {
                return -1;
            }

            var next = text.Slice(i, count).IndexOfAnyInRange(MinSurrogate, MaxSurrogate);
            if (next < 0)
            {
                return i + count;
            }

            i += next + (IsPairAt(text, i + next) ? 2 : 1);
            count -= next + 1;
        }

        return i;
    }

    private static bool IsPairAt(ReadOnlySpan<char> text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
}
