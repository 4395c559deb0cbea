namespace LiveSync.Protocol.Ot.Text;

/// <summary>
/// Builds a normalized <see cref="TextOp"/> the way ot-text-unicode's <c>makeAppend</c> and <c>trim</c> do:
/// empty components are dropped, a component of the same kind as the last one merges into it (two deletes keep
/// their text only when both carry text), and a trailing skip is removed. A mutable struct: keep it in a local
/// and never copy it.
/// </summary>
internal struct TextOpBuilder
{
    private TextComponent[] _items;
    private int _count;

    public TextOpBuilder(int capacity)
    {
        _items = new TextComponent[Math.Max(capacity, 1)];
        _count = 0;
    }

    public void Append(TextComponent component)
    {
        if (component.Length == 0)
        {
            return;
        }

        if (_count > 0)
        {
            ref var last = ref _items[_count - 1];
            if (last.Kind == component.Kind)
            {
                last = Merge(last, component);
                return;
            }
        }

        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _count * 2);
        }

        _items[_count++] = component;
    }

    public readonly TextOp Build()
    {
        var count = _count;
        if (count > 0 && _items[count - 1].Kind == TextComponentKind.Skip)
        {
            count--;
        }

        return count == 0 ? TextOp.Empty : new TextOp(new ReadOnlyMemory<TextComponent>(_items, 0, count));
    }

    private static TextComponent Merge(TextComponent first, TextComponent second)
    {
        var length = (long)first.Length + second.Length;
        if (length > int.MaxValue)
        {
            throw new LiveSyncException(ErrorCodes.InvalidOp, "The text op is too long: a component would exceed 2^31 - 1 code points.");
        }

        var text = first.Text is not null && second.Text is not null ? string.Concat(first.Text, second.Text) : null;
        return TextComponent.Unchecked(first.Kind, (int)length, text);
    }
}
