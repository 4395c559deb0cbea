namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// ot-json0's <c>append</c>, the one rule behind its <c>normalize</c>, <c>compose</c> and the assembly of
/// transformed ops: a component is added to the end of an op, merged with the last component when they act
/// at the same path (two <c>na</c> add up; an <c>li</c> then an <c>ld</c> of the same primitive cancel; an
/// <c>od</c> then an <c>oi</c> make a replace; an <c>oi</c> then an <c>od</c> cancel or merge; adjacent string
/// edits of one string merge as text0 merges them; a move to where the item already is vanishes).
/// </summary>
/// <remarks>
/// The rules are ported as they are, quirks included, so that ops normalize, compose and transform to exactly
/// what the package makes: for example an <c>li</c> then an <c>ld</c> of an equal object or array do not cancel,
/// because JavaScript's <c>===</c> compares those by identity.
/// </remarks>
internal static class JsonOpAppender
{
    /// <summary>Appends a clone of <paramref name="c"/> to <paramref name="dest"/>, whose components are all private clones.</summary>
    public static void Append(List<JsonOpComponent> dest, JsonOpComponent c)
    {
        c = c.Clone();
        if (dest.Count == 0)
        {
            dest.Add(c);
            return;
        }

        var last = dest[^1];
        if (c.IsString && last.IsString)
        {
            // ot-json0 hands two string edits to text0 when they edit the same string.
            if (SamePath(c.Keys, last.Keys, c.Keys.Length - 1))
            {
                var edits = new List<Text0.Edit>(2) { ToEdit(last) };
                Text0.Append(edits, ToEdit(c));
                SetEdit(last, edits[0]);
                if (edits.Count > 1)
                {
                    SetEdit(c, edits[1]);
                    dest.Add(c);
                }
            }
            else
            {
                dest.Add(c);
            }

            return;
        }

        if (!SamePath(c.Keys, last.Keys, c.Keys.Length))
        {
            dest.Add(c);
        }
        else if (last.Na is { } lastNa && c.Na is { } na)
        {
            dest[^1] = new JsonOpComponent(last.Keys) { Na = lastNa + na };
        }
        else if (last.Li is not null && c.Li is null && StrictEquals(c.Ld, last.Li))
        {
            // An insert then a delete of it is nothing; a replace then a delete of the new item is the delete.
            if (last.Ld is not null)
            {
                last.Li = null;
            }
            else
            {
                dest.RemoveAt(dest.Count - 1);
            }
        }
        else if (last.Od is not null && last.Oi is null && c.Oi is not null && c.Od is null)
        {
            last.Oi = c.Oi;
        }
        else if (last.Oi is not null && c.Od is not null)
        {
            // The last component set what this one deletes or replaces.
            if (c.Oi is not null)
            {
                last.Oi = c.Oi;
            }
            else if (last.Od is not null)
            {
                last.Oi = null;
            }
            else
            {
                dest.RemoveAt(dest.Count - 1);
            }
        }
        else if (c.Lm is { } lm && c.Keys[^1] is { IsIndex: true } from && from.Index == lm)
        {
            // A move to where the item is: nothing.
        }
        else
        {
            dest.Add(c);
        }
    }

    /// <summary>True when the first <paramref name="length"/> keys agree and both paths have that many plus the same remainder length.</summary>
    private static bool SamePath(JsonPathKey[] a, JsonPathKey[] b, int length)
    {
        var extra = a.Length - length;
        if (b.Length != a.Length || extra < 0)
        {
            return false;
        }

        return a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length));
    }

    // JavaScript's === on JSON values: primitives by value, objects and arrays never (ot-json0 clones before comparing).
    private static bool StrictEquals(ImmutableJson? a, ImmutableJson? b)
    {
        if (a is null || b is null || a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array => false,
            _ => a.Equals(b),
        };
    }

    private static Text0.Edit ToEdit(JsonOpComponent c) =>
        c.Si is not null ? new Text0.Edit(c.Keys[^1].Index, c.Si, true) : new Text0.Edit(c.Keys[^1].Index, c.Sd!, false);

    private static void SetEdit(JsonOpComponent c, Text0.Edit edit)
    {
        c.Keys[^1] = JsonPathKey.FromIndex(edit.P);
        if (edit.IsInsert)
        {
            c.Si = edit.Text;
        }
        else
        {
            c.Sd = edit.Text;
        }
    }
}
