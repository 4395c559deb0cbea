using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary>
/// The <c>op? create? del?</c> fields that <see cref="Submission"/> and <see cref="SequencedOp"/> share, written and
/// read in one place. Each caller's key set holds them as three consecutive keys starting at <c>first</c>; absent
/// ones are left out of the map, as System.Text.Json leaves out their nulls.
/// </summary>
internal static class ChangeFields
{
    /// <summary>How many of the three fields are present, for the map header.</summary>
    public static int Count(JsonElement? op, CreateSpec? create, bool? del) =>
        (op.HasValue ? 1 : 0) + (create is null ? 0 : 1) + (del.HasValue ? 1 : 0);

    /// <summary>Writes the present fields, keys <paramref name="first"/> (op), +1 (create), +2 (del) of <paramref name="keys"/>.</summary>
    public static void Write(MessagePackWriter writer, KeySet keys, int first, JsonElement? op, CreateSpec? create, bool? del)
    {
        if (op.HasValue)
        {
            keys.Write(writer, first);
            MessagePackJson.WriteJsonElement(writer, op.GetValueOrDefault());
        }

        if (create is not null)
        {
            keys.Write(writer, first + 1);
            CreateSpecFormatter.Instance.Write(writer, create);
        }

        if (del.HasValue)
        {
            keys.Write(writer, first + 2);
            writer.WriteBoolean(del.GetValueOrDefault());
        }
    }

    /// <summary>Reads the value of field <paramref name="offset"/> (0 op, 1 create, 2 del) into its variable.</summary>
    public static void Read(ref MessagePackReader reader, int offset, ref JsonElement? op, ref CreateSpec? create, ref bool? del)
    {
        switch (offset)
        {
            case 0:
                op = FormatterValues.ReadOptionalElement(ref reader);
                break;
            case 1:
                create = reader.TryReadNil() ? null : CreateSpecFormatter.Instance.Read(ref reader);
                break;
            default:
                del = FormatterValues.ReadOptionalBoolean(ref reader);
                break;
        }
    }
}
