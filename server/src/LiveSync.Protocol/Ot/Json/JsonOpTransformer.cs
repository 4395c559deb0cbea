namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// ot-json0's <c>transformComponent</c> and the <c>transformX</c> its <c>bootstrapTransform</c> builds from it,
/// ported branch for branch so that every transform gives exactly the package's result, including its tie
/// breaks: at one list index or object key the <see cref="TransformSide.Left"/> op's insert wins or goes first.
/// </summary>
/// <remarks>
/// Where JavaScript reads past the end of a path it gets <c>undefined</c>, which equals only itself and compares
/// false with any number; <see cref="At"/> and the comparisons here do the same with null. Comparing a list
/// index with a property name means the two ops disagree about the document's shape, which ot-json0 turns into
/// an op that later fails to apply; here it is <see cref="ErrorCodes.InvalidOp"/> at once.
/// </remarks>
internal static class JsonOpTransformer
{
    /// <summary>ot-json0's <c>transform(op, otherOp, side)</c>.</summary>
    public static List<JsonOpComponent> Transform(ReadOnlySpan<JsonOpComponent> op, ReadOnlySpan<JsonOpComponent> other, TransformSide side)
    {
        if (op.Length == 1 && other.Length == 1)
        {
            var dest = new List<JsonOpComponent>(2);
            TransformComponent(dest, op[0], other[0], side);
            return dest;
        }

        return side == TransformSide.Left
            ? TransformX(new List<JsonOpComponent>(op.ToArray()), other.ToArray()).Left
            : TransformX(new List<JsonOpComponent>(other.ToArray()), op.ToArray()).Right;
    }

    private static (List<JsonOpComponent> Left, List<JsonOpComponent> Right) TransformX(List<JsonOpComponent> leftOp, IReadOnlyList<JsonOpComponent> rightOp)
    {
        var newRightOp = new List<JsonOpComponent>(rightOp.Count);
        for (var i = 0; i < rightOp.Count; i++)
        {
            JsonOpComponent? rightComponent = rightOp[i];
            var newLeftOp = new List<JsonOpComponent>(leftOp.Count);
            var k = 0;
            while (k < leftOp.Count)
            {
                var nextC = new List<JsonOpComponent>(1);
                TransformComponent(newLeftOp, leftOp[k], rightComponent, TransformSide.Left);
                TransformComponent(nextC, rightComponent, leftOp[k], TransformSide.Right);
                k++;

                if (nextC.Count == 1)
                {
                    rightComponent = nextC[0];
                }
                else if (nextC.Count == 0)
                {
                    for (var j = k; j < leftOp.Count; j++)
                    {
                        JsonOpAppender.Append(newLeftOp, leftOp[j]);
                    }

                    rightComponent = null;
                    break;
                }
                else
                {
                    var (left, right) = TransformX(leftOp.GetRange(k, leftOp.Count - k), nextC);
                    foreach (var c in left)
                    {
                        JsonOpAppender.Append(newLeftOp, c);
                    }

                    foreach (var c in right)
                    {
                        JsonOpAppender.Append(newRightOp, c);
                    }

                    rightComponent = null;
                    break;
                }
            }

            if (rightComponent is not null)
            {
                JsonOpAppender.Append(newRightOp, rightComponent);
            }

            leftOp = newLeftOp;
        }

        return (leftOp, newRightOp);
    }

    /// <summary>ot-json0's <c>transformComponent</c>: <paramref name="c"/> moved past <paramref name="otherC"/>, appended to <paramref name="dest"/>.</summary>
    private static void TransformComponent(List<JsonOpComponent> dest, JsonOpComponent c, JsonOpComponent otherC, TransformSide side)
    {
        c = c.Clone();
        var left = side == TransformSide.Left;
        var common = CommonLength(otherC, c);
        var common2 = CommonLength(c, otherC);
        var cplength = c.Keys.Length + (c.Na is not null ? 1 : 0);
        var otherCplength = otherC.Keys.Length + (otherC.Na is not null ? 1 : 0);

        // c deletes something otherC changes inside: make c delete the changed value, so it stays invertible.
        if (common2 is { } c2 && otherCplength > cplength && Equal(At(c.Keys, c2), At(otherC.Keys, c2)))
        {
            if (c.Ld is not null)
            {
                c.Ld = JsonOpApplier.ApplyInside(c.Ld, otherC, cplength);
            }
            else if (c.Od is not null)
            {
                c.Od = JsonOpApplier.ApplyInside(c.Od, otherC, cplength);
            }
        }

        if (common is not { } n)
        {
            JsonOpAppender.Append(dest, c);
            return;
        }

        var commonOperand = cplength == otherCplength;
        var mine = At(c.Keys, n);
        var theirs = At(otherC.Keys, n);

        if (c.IsString && otherC.IsString)
        {
            // Both edit one string: text0 transforms them, and each resulting edit is a string component again.
            var edits = new List<Text0.Edit>(2);
            Text0.Transform(edits, ToEdit(c), ToEdit(otherC), side);
            foreach (var edit in edits)
            {
                var part = c.Clone();
                part.Keys[^1] = JsonPathKey.FromIndex(edit.P);
                part.Si = edit.IsInsert ? edit.Text : null;
                part.Sd = edit.IsInsert ? null : edit.Text;
                JsonOpAppender.Append(dest, part);
            }

            return;
        }

        if (otherC.Na is not null)
        {
            // Adding to a number moves nothing.
        }
        else if (otherC.Li is not null && otherC.Ld is not null)
        {
            if (Equal(theirs, mine))
            {
                if (!commonOperand)
                {
                    return;
                }

                if (c.Ld is not null)
                {
                    if (c.Li is not null && left)
                    {
                        // Both replace the item: only one can survive.
                        c.Ld = otherC.Li;
                    }
                    else
                    {
                        return;
                    }
                }
            }
        }
        else if (otherC.Li is not null)
        {
            if (c.Li is not null && c.Ld is null && commonOperand && Equal(mine, theirs))
            {
                // Two inserts at one index: left goes first.
                if (!left)
                {
                    Shift(c, n, 1);
                }
            }
            else if (LessOrEqual(theirs, mine))
            {
                Shift(c, n, 1);
            }

            if (c.Lm is { } lm && commonOperand && LessOrEqual(theirs, lm))
            {
                c.Lm = lm + 1;
            }
        }
        else if (otherC.Ld is not null)
        {
            if (c.Lm is { } lm && commonOperand)
            {
                if (Equal(theirs, mine))
                {
                    // They deleted the item we move.
                    return;
                }

                var p = Index(theirs);
                var from = Index(mine);
                if (p < lm || (p == lm && from < lm))
                {
                    c.Lm = lm - 1;
                }
            }

            if (Less(theirs, mine))
            {
                Shift(c, n, -1);
            }
            else if (Equal(theirs, mine))
            {
                if (otherCplength < cplength)
                {
                    // We edit inside the deleted item.
                    return;
                }

                if (c.Ld is not null)
                {
                    if (c.Li is not null)
                    {
                        // We replace, they delete: we insert.
                        c.Ld = null;
                    }
                    else
                    {
                        return;
                    }
                }
            }
        }
        else if (otherC.Lm is { } otherTo)
        {
            if (c.Lm is { } to && cplength == otherCplength)
            {
                var from = Index(mine);
                var otherFrom = Index(theirs);
                if (otherFrom != otherTo)
                {
                    if (from == otherFrom)
                    {
                        // They moved the item we move: left wins.
                        if (!left)
                        {
                            return;
                        }

                        c.Keys[n] = JsonPathKey.FromIndex(otherTo);
                        if (from == to)
                        {
                            c.Lm = otherTo;
                        }
                    }
                    else
                    {
                        // They moved an item around ours: where is ours now?
                        var newFrom = from;
                        if (from > otherFrom)
                        {
                            newFrom--;
                        }

                        if (from > otherTo)
                        {
                            newFrom++;
                        }
                        else if (from == otherTo && otherFrom > otherTo)
                        {
                            newFrom++;
                            if (from == to)
                            {
                                to++;
                            }
                        }

                        c.Keys[n] = JsonPathKey.FromIndex(newFrom);

                        // And where does it go?
                        var originalTo = c.Lm.Value;
                        if (originalTo > otherFrom)
                        {
                            to--;
                        }
                        else if (originalTo == otherFrom && originalTo > from)
                        {
                            to--;
                        }

                        if (originalTo > otherTo)
                        {
                            to++;
                        }
                        else if (originalTo == otherTo)
                        {
                            if ((otherTo > otherFrom && originalTo > from) || (otherTo < otherFrom && originalTo < from))
                            {
                                if (!left)
                                {
                                    to++;
                                }
                            }
                            else if (originalTo > from)
                            {
                                to++;
                            }
                            else if (originalTo == otherFrom)
                            {
                                to--;
                            }
                        }

                        c.Lm = to;
                    }
                }
            }
            else if (c.Li is not null && c.Ld is null && commonOperand)
            {
                var from = Index(theirs);
                var p = Index(mine);
                var shift = (p > from ? -1 : 0) + (p > otherTo ? 1 : 0);
                Shift(c, n, shift);
            }
            else if (mine is not null)
            {
                // Everything else cares where its item went.
                var from = Index(theirs);
                var p = Index(mine);
                if (p == from)
                {
                    c.Keys[n] = JsonPathKey.FromIndex(otherTo);
                }
                else
                {
                    var shift = p > from ? -1 : 0;
                    if (p > otherTo || (p == otherTo && from > otherTo))
                    {
                        shift++;
                    }

                    Shift(c, n, shift);
                }
            }
        }
        else if (otherC.Oi is not null && otherC.Od is not null)
        {
            if (Equal(mine, theirs))
            {
                if (c.Oi is not null && commonOperand)
                {
                    // We inserted where they replaced: left wins, and replaces what they inserted.
                    if (!left)
                    {
                        return;
                    }

                    c.Od = otherC.Oi;
                }
                else
                {
                    // They replaced what we edit (or a parent of it).
                    return;
                }
            }
        }
        else if (otherC.Oi is not null)
        {
            if (c.Oi is not null && Equal(mine, theirs))
            {
                // Two inserts at one key: left wins, and replaces what they inserted.
                if (!left)
                {
                    return;
                }

                JsonOpAppender.Append(dest, new JsonOpComponent(c.Keys) { Od = otherC.Oi });
            }
        }
        else if (otherC.Od is not null)
        {
            if (Equal(mine, theirs))
            {
                if (!commonOperand)
                {
                    return;
                }

                if (c.Oi is not null)
                {
                    c.Od = null;
                }
                else
                {
                    return;
                }
            }
        }

        JsonOpAppender.Append(dest, c);
    }

    /// <summary>
    /// ot-json0's <c>commonLengthForOps(a, b)</c>: the length of a's parent path when it is a prefix of b's parent
    /// path (an <c>na</c> counts its whole path as the parent), -1 when a has an empty path, else null.
    /// </summary>
    private static int? CommonLength(JsonOpComponent a, JsonOpComponent b)
    {
        var alen = a.Keys.Length + (a.Na is not null ? 1 : 0);
        var blen = b.Keys.Length + (b.Na is not null ? 1 : 0);
        if (alen == 0)
        {
            return -1;
        }

        if (blen == 0)
        {
            return null;
        }

        alen--;
        blen--;
        for (var i = 0; i < alen; i++)
        {
            if (i >= blen || a.Keys[i] != b.Keys[i])
            {
                return null;
            }
        }

        return alen;
    }

    // path[i], or null where JavaScript reads undefined.
    private static JsonPathKey? At(JsonPathKey[] path, int i) => i >= 0 && i < path.Length ? path[i] : (JsonPathKey?)null;

    // JavaScript's === (and, for the keys of valid ops, ==) on path keys and undefined.
    private static bool Equal(JsonPathKey? a, JsonPathKey? b) => a is null ? b is null : b is not null && a.Value == b.Value;

    private static bool Less(JsonPathKey? a, JsonPathKey? b) => a is not null && b is not null && Index(a) < Index(b);

    private static bool LessOrEqual(JsonPathKey? a, JsonPathKey? b) => a is not null && b is not null && Index(a) <= Index(b);

    private static bool LessOrEqual(JsonPathKey? a, int b) => a is not null && Index(a) <= b;

    private static int Index(JsonPathKey? key)
    {
        if (key is not { IsIndex: true } index)
        {
            throw new LiveSyncException(
                ErrorCodes.InvalidOp,
                key is null
                    ? "The op's path is too short for the list the other op edits."
                    : $"The op's path has the property name '{key.Value.Name}' where the other op edits a list.");
        }

        return index.Index;
    }

    private static void Shift(JsonOpComponent c, int n, int delta)
    {
        if (delta != 0)
        {
            var index = Index(c.Keys[n]) + delta;
            if (index < 0)
            {
                throw new LiveSyncException(ErrorCodes.InvalidOp, "The ops disagree about a list: an index would become negative.");
            }

            c.Keys[n] = JsonPathKey.FromIndex(index);
        }
    }

    private static Text0.Edit ToEdit(JsonOpComponent c) =>
        c.Si is not null ? new Text0.Edit(c.Keys[^1].Index, c.Si, true) : new Text0.Edit(c.Keys[^1].Index, c.Sd!, false);
}
