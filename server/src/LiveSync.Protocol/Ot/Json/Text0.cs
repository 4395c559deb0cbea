namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// The parts of ot-json0's embedded <c>text0</c> type that its <c>si</c>/<c>sd</c> components go through:
/// merging two adjacent string components (its <c>append</c>) and transforming one past another (its
/// <c>transformComponent</c>). Positions are UTF-16 offsets, as in JavaScript; a result that would split a
/// surrogate pair is rejected instead of made.
/// </summary>
internal static class Text0
{
    /// <summary>text0's <c>append</c>: adds <paramref name="c"/> to <paramref name="op"/>, merging it into the last component when they touch.</summary>
    public static void Append(List<Edit> op, Edit c)
    {
        if (c.Text.Length == 0)
        {
            return;
        }

        if (op.Count == 0)
        {
            op.Add(c);
            return;
        }

        var last = op[^1];
        if (last.IsInsert && c.IsInsert && last.P <= c.P && c.P <= last.P + last.Text.Length)
        {
            op[^1] = new Edit(last.P, Inject(last.Text, c.P - last.P, c.Text), true);
        }
        else if (!last.IsInsert && !c.IsInsert && c.P <= last.P && last.P <= c.P + c.Text.Length)
        {
            op[^1] = new Edit(c.P, Inject(c.Text, last.P - c.P, last.Text), false);
        }
        else
        {
            op.Add(c);
        }
    }

    /// <summary>text0's <c>transformComponent</c>: <paramref name="c"/> moved past <paramref name="other"/>, appended to <paramref name="dest"/>.</summary>
    public static void Transform(List<Edit> dest, Edit c, Edit other, TransformSide side)
    {
        if (c.IsInsert)
        {
            Append(dest, new Edit(TransformPosition(c.P, other, side == TransformSide.Right), c.Text, true));
            return;
        }

        if (other.IsInsert)
        {
            // Delete vs insert: the part before the insert stays, the rest moves past it.
            var s = c.Text;
            if (c.P < other.P)
            {
                var cut = Math.Min(other.P - c.P, s.Length);
                Append(dest, new Edit(c.P, Slice(s, 0, cut), false));
                s = s[cut..];
            }

            if (s.Length > 0)
            {
                Append(dest, new Edit(c.P + other.Text.Length, s, false));
            }

            return;
        }

        // Delete vs delete.
        var end = c.P + c.Text.Length;
        var otherEnd = other.P + other.Text.Length;
        if (c.P >= otherEnd)
        {
            Append(dest, new Edit(c.P - other.Text.Length, c.Text, false));
        }
        else if (end <= other.P)
        {
            Append(dest, c);
        }
        else
        {
            // They overlap: keep what only this delete removes, after checking both delete the same text where they meet.
            var rest = string.Empty;
            if (c.P < other.P)
            {
                rest = Slice(c.Text, 0, other.P - c.P);
            }

            if (end > otherEnd)
            {
                rest += Slice(c.Text, otherEnd - c.P, c.Text.Length);
            }

            var start = Math.Max(c.P, other.P);
            var stop = Math.Min(end, otherEnd);
            if (!c.Text.AsSpan(start - c.P, stop - start).SequenceEqual(other.Text.AsSpan(start - other.P, stop - start)))
            {
                throw new LiveSyncException(ErrorCodes.InvalidOp, "Two string deletes remove different text in the same region of the string.");
            }

            if (rest.Length > 0)
            {
                Append(dest, new Edit(TransformPosition(c.P, other, false), rest, false));
            }
        }
    }

    private static int TransformPosition(int pos, Edit c, bool insertAfter)
    {
        if (c.IsInsert)
        {
            return c.P < pos || (c.P == pos && insertAfter) ? pos + c.Text.Length : pos;
        }

        return pos <= c.P ? pos : pos <= c.P + c.Text.Length ? c.P : pos - c.Text.Length;
    }

    private static string Inject(string text, int pos, string insert)
    {
        CheckBoundary(text, pos);
        return string.Concat(text.AsSpan(0, pos), insert, text.AsSpan(pos));
    }

    private static string Slice(string text, int start, int end)
    {
        CheckBoundary(text, start);
        CheckBoundary(text, end);
        return text[start..end];
    }

    private static void CheckBoundary(string text, int pos)
    {
        if (pos > 0 && pos < text.Length && char.IsHighSurrogate(text[pos - 1]) && char.IsLowSurrogate(text[pos]))
        {
            throw new LiveSyncException(ErrorCodes.InvalidOp, "String components meet inside a surrogate pair: the result would hold a lone surrogate.");
        }
    }

    /// <summary>A text0 component: insert (<c>i</c>) or delete (<c>d</c>) <see cref="Text"/> at UTF-16 offset <see cref="P"/>.</summary>
    public readonly record struct Edit(int P, string Text, bool IsInsert);
}
