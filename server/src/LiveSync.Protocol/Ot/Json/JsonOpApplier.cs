using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LiveSync.Protocol.Ot.Json;

/// <summary>
/// Applies json op components to an <see cref="ImmutableJson"/> value, copying only the containers along each
/// path. Checks what ot-json0's <c>apply</c> checks, and more, so that an op either fits the document exactly or
/// is rejected: every step of a path exists, list indexes are in range, <c>ld</c>/<c>od</c> equal the value they
/// delete, <c>sd</c> matches the text it deletes, an <c>si</c> does not split a surrogate pair, and <c>na</c>
/// keeps the number finite.
/// </summary>
internal static class JsonOpApplier
{
    /// <summary>Applies the components in turn; throws before returning anything if one does not fit.</summary>
    public static ImmutableJson Apply(ImmutableJson snapshot, ReadOnlySpan<JsonOpComponent> components)
    {
        for (var i = 0; i < components.Length; i++)
        {
            snapshot = ApplyComponent(snapshot, components[i], 0, i);
        }

        return snapshot;
    }

    /// <summary>
    /// Applies <paramref name="c"/> with its first <paramref name="skip"/> path keys dropped to <paramref name="value"/>:
    /// ot-json0's update of a deleted value by an op that changed it.
    /// </summary>
    public static ImmutableJson ApplyInside(ImmutableJson value, JsonOpComponent c, int skip) => ApplyComponent(value, c, skip, 0);

    private static ImmutableJson ApplyComponent(ImmutableJson root, JsonOpComponent c, int skip, int index)
    {
        var path = c.Keys.AsSpan(skip);
        if (path.IsEmpty)
        {
            // The root itself: na adds to it, oi (with od) replaces it.
            return ApplyHere(root, c, path, index);
        }

        // na acts on the value at its path; every other instruction on the container holding the last key.
        var end = c.Na is not null ? path.Length : path.Length - 1;
        return Rewrite(root, c, path, 0, end, index);
    }

    private static ImmutableJson Rewrite(ImmutableJson node, JsonOpComponent c, ReadOnlySpan<JsonPathKey> path, int depth, int end, int index)
    {
        if (depth == end)
        {
            return ApplyHere(node, c, path, index);
        }

        var key = path[depth];
        if (key.IsIndex)
        {
            if (node.Kind != JsonValueKind.Array || key.Index >= node.Count)
            {
                throw Fail(index, path, depth, node.Kind != JsonValueKind.Array ? $"index {key.Index} needs a list, not {Describe(node)}" : $"index {key.Index} is past the end of a list of {node.Count}");
            }

            return node.SetItem(key.Index, Rewrite(node[key.Index], c, path, depth + 1, end, index));
        }

        var at = node.IndexOfProperty(key.Name!);
        if (at < 0)
        {
            throw Fail(index, path, depth, node.Kind != JsonValueKind.Object ? $"property '{key.Name}' needs an object, not {Describe(node)}" : $"the object has no property '{key.Name}'");
        }

        return node.SetProperty(at, key.Name!, Rewrite(node.Properties[at].Value, c, path, depth + 1, end, index));
    }

    private static ImmutableJson ApplyHere(ImmutableJson target, JsonOpComponent c, ReadOnlySpan<JsonPathKey> path, int index)
    {
        switch (c.Kind)
        {
            case JsonOpKind.NumberAdd:
                if (target.Kind != JsonValueKind.Number)
                {
                    throw Fail(index, path, "\"na\" needs a number there, not " + Describe(target));
                }

                var sum = target.GetNumber() + c.Na!.Value;
                return double.IsFinite(sum) ? ImmutableJson.FromNumber(sum) : throw Fail(index, path, "\"na\" would make the number infinite");
            case JsonOpKind.ObjectInsert when path.IsEmpty:
                return c.Oi!;
            case JsonOpKind.ObjectReplace when path.IsEmpty:
                return target.Equals(c.Od) ? c.Oi! : throw Fail(index, path, "\"od\" differs from the document's root");
        }

        var key = path[^1];
        switch (c.Kind)
        {
            case JsonOpKind.ListInsert:
            case JsonOpKind.ListDelete:
            case JsonOpKind.ListReplace:
            case JsonOpKind.ListMove:
                if (target.Kind != JsonValueKind.Array)
                {
                    throw Fail(index, path, "a list instruction needs a list, not " + Describe(target));
                }

                var i = key.Index;
                var limit = c.Kind == JsonOpKind.ListInsert ? target.Count : target.Count - 1;
                if (i > limit)
                {
                    throw Fail(index, path, $"index {i} is past the end of a list of {target.Count}");
                }

                switch (c.Kind)
                {
                    case JsonOpKind.ListInsert:
                        return target.InsertItem(i, c.Li!);
                    case JsonOpKind.ListMove:
                        var to = c.Lm!.Value;
                        if (to > target.Count - 1)
                        {
                            throw Fail(index, path, $"\"lm\" {to} is past the end of a list of {target.Count}");
                        }

                        return to == i ? target : target.MoveItem(i, to);
                }

                if (!target[i].Equals(c.Ld))
                {
                    throw Fail(index, path, "\"ld\" differs from the list item it deletes");
                }

                return c.Li is null ? target.RemoveItem(i) : target.SetItem(i, c.Li);
            case JsonOpKind.StringInsert:
            case JsonOpKind.StringDelete:
                if (target.Kind != JsonValueKind.String)
                {
                    throw Fail(index, path, "a string instruction needs a string, not " + Describe(target));
                }

                var text = target.GetString();
                var offset = key.Index;
                if (c.Si is { } insert)
                {
                    if (offset > text.Length)
                    {
                        throw Fail(index, path, $"offset {offset} is past the end of a string of {text.Length} UTF-16 units");
                    }

                    if (offset > 0 && offset < text.Length && char.IsHighSurrogate(text[offset - 1]) && char.IsLowSurrogate(text[offset]))
                    {
                        throw Fail(index, path, $"offset {offset} splits a surrogate pair");
                    }

                    return insert.Length == 0 ? target : ImmutableJson.OfString(string.Concat(text.AsSpan(0, offset), insert, text.AsSpan(offset)));
                }

                var delete = c.Sd!;
                if (offset > text.Length || delete.Length > text.Length - offset || !text.AsSpan(offset, delete.Length).SequenceEqual(delete))
                {
                    throw Fail(index, path, "\"sd\" differs from the string's text at that offset");
                }

                // A well-formed sd that matches cannot start or end inside a surrogate pair.
                return delete.Length == 0 ? target : ImmutableJson.OfString(string.Concat(text.AsSpan(0, offset), text.AsSpan(offset + delete.Length)));
            default:
                if (target.Kind != JsonValueKind.Object)
                {
                    throw Fail(index, path, "an object instruction needs an object, not " + Describe(target));
                }

                var name = key.Name!;
                var at = target.IndexOfProperty(name);
                if (c.Od is not null)
                {
                    if (at < 0)
                    {
                        throw Fail(index, path, $"\"od\" deletes the property '{name}', which the object does not have");
                    }

                    if (!target.Properties[at].Value.Equals(c.Od))
                    {
                        throw Fail(index, path, "\"od\" differs from the property's value");
                    }

                    return c.Oi is null ? target.RemoveProperty(at) : target.SetProperty(at, name, c.Oi);
                }

                // ot-json0 lets a lone "oi" overwrite a property that exists.
                return target.SetProperty(at, name, c.Oi!);
        }
    }

    private static string Describe(ImmutableJson value) => value.Kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static LiveSyncException Fail(int index, ReadOnlySpan<JsonPathKey> path, int depth, string message) =>
        Fail(index, path[..(depth + 1)], message);

    private static LiveSyncException Fail(int index, ReadOnlySpan<JsonPathKey> path, string message)
    {
        var builder = new StringBuilder("Json op component ").Append(index.ToString(CultureInfo.InvariantCulture)).Append(" does not fit the document at [");
        for (var i = 0; i < path.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            if (path[i].IsIndex)
            {
                builder.Append(path[i].Index.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append('"').Append(path[i].Name).Append('"');
            }
        }

        return new LiveSyncException(ErrorCodes.InvalidOp, builder.Append("]: ").Append(message).Append('.').ToString());
    }
}
