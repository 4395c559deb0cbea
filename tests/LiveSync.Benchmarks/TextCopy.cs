using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Benchmarks;

/// <summary>
/// A load client's copy of a text document, edited in place: applying an op shifts the characters after it instead
/// of building a new string, so a client applying every op of a 4 KB document does not allocate 8 KB per op (the
/// tool shares the machine's cores with the server it measures). The workload's text is ASCII, so positions in
/// code points are char indexes; an op that does not fit the copy is refused like <see cref="TextType.Apply"/> does.
/// </summary>
internal sealed class TextCopy
{
    private char[] _chars;

    public TextCopy(string text)
    {
        _chars = new char[Math.Max(256, text.Length * 2)];
        text.CopyTo(_chars);
        Length = text.Length;
    }

    /// <summary>The number of characters.</summary>
    public int Length { get; private set; }

    public void Apply(TextOp op)
    {
        var pos = 0;
        foreach (var component in op.Components)
        {
            switch (component.Kind)
            {
                case TextComponentKind.Skip:
                    pos += component.Length;
                    break;
                case TextComponentKind.Insert:
                    Insert(pos, component.Text!);
                    pos += component.Text!.Length;
                    break;
                default:
                    Delete(pos, component.Length);
                    break;
            }

            if (pos > Length)
            {
                throw new InvalidOperationException($"the op reaches past the end of the copy ({Length} characters)");
            }
        }
    }

    public override string ToString() => new(_chars, 0, Length);

    private void Insert(int pos, string text)
    {
        if (Length + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + text.Length));
        }

        Array.Copy(_chars, pos, _chars, pos + text.Length, Length - pos);
        text.CopyTo(_chars.AsSpan(pos));
        Length += text.Length;
    }

    private void Delete(int pos, int count)
    {
        if (pos + count > Length)
        {
            throw new InvalidOperationException($"the op deletes past the end of the copy ({Length} characters)");
        }

        Array.Copy(_chars, pos + count, _chars, pos, Length - pos - count);
        Length -= count;
    }
}
