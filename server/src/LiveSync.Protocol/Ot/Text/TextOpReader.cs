namespace LiveSync.Protocol.Ot.Text;

/// <summary>
/// Takes an op apart front to back, in pieces of a requested length, like ot-text-unicode's <c>makeTake</c>.
/// Past its last component an op skips forever. Tracks the offset into the current component in code points
/// and, for components with text, in UTF-16 chars too, so slicing text never rescans from its start.
/// </summary>
internal ref struct TextOpReader
{
    private readonly ReadOnlySpan<TextComponent> _op;
    private int _index;
    private int _offset;
    private int _charOffset;

    public TextOpReader(ReadOnlySpan<TextComponent> op)
    {
        _op = op;
    }

    /// <summary>True when the current (possibly part-taken) component is an insert.</summary>
    public readonly bool AtInsert => _index < _op.Length && _op[_index].Kind == TextComponentKind.Insert;

    /// <summary>
    /// Takes up to <paramref name="length"/> code points; a component of kind <paramref name="indivisible"/> is
    /// taken whole whatever its length. Inserts are returned whole or split like the rest, so callers that must
    /// not count them check the kind.
    /// </summary>
    public TextComponent Take(int length, TextComponentKind indivisible)
    {
        if (_index == _op.Length)
        {
            return TextComponent.Unchecked(TextComponentKind.Skip, length, null);
        }

        var current = _op[_index];
        if (current.Length - _offset <= length || current.Kind == indivisible)
        {
            return TakeRest(current);
        }

        _offset += length;
        if (current.Text is null)
        {
            return TextComponent.Unchecked(current.Kind, length, null);
        }

        var start = _charOffset;
        _charOffset = CodePoints.Advance(current.Text, start, length);
        return TextComponent.Unchecked(current.Kind, length, current.Text[start.._charOffset]);
    }

    /// <summary>Takes the rest of the current component; false when the op is used up.</summary>
    public bool TryTakeRest(out TextComponent component)
    {
        if (_index == _op.Length)
        {
            component = default;
            return false;
        }

        component = TakeRest(_op[_index]);
        return true;
    }

    private TextComponent TakeRest(TextComponent current)
    {
        var rest = _offset == 0
            ? current
            : TextComponent.Unchecked(current.Kind, current.Length - _offset, current.Text?[_charOffset..]);
        _index++;
        _offset = 0;
        _charOffset = 0;
        return rest;
    }
}
