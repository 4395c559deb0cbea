using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="OpenResult"/>: <c>{docId, type, v, data?, ops?, presence}</c>.</summary>
internal sealed class OpenResultFormatter : IMessagePackFormatter<OpenResult>
{
    /// <summary>The one instance.</summary>
    public static readonly OpenResultFormatter Instance = new();

    private const int DocIdKey = 0;
    private const int TypeKey = 1;
    private const int VKey = 2;
    private const int DataKey = 3;
    private const int OpsKey = 4;
    private const int PresenceKey = 5;
    private const int Required = (1 << DocIdKey) | (1 << TypeKey) | (1 << VKey) | (1 << PresenceKey);
    private static readonly KeySet s_keys = new("docId", "type", "v", "data", "ops", "presence");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, OpenResult value)
    {
        var data = value.Data;
        var ops = value.Ops;
        writer.WriteMapHeader(4 + (data.HasValue ? 1 : 0) + (ops is null ? 0 : 1));
        s_keys.Write(writer, DocIdKey);
        writer.WriteString(value.DocId);
        s_keys.Write(writer, TypeKey);
        writer.WriteString(value.Type);
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
        if (data.HasValue)
        {
            s_keys.Write(writer, DataKey);
            MessagePackJson.WriteJsonElement(writer, data.GetValueOrDefault());
        }

        if (ops is not null)
        {
            s_keys.Write(writer, OpsKey);
            SequencedOpFormatter.Instance.WriteList(writer, ops);
        }

        s_keys.Write(writer, PresenceKey);
        WritePresence(writer, value.Presence);
    }

    /// <inheritdoc/>
    public OpenResult Read(ref MessagePackReader reader)
    {
        string? docId = null, type = null;
        long v = 0;
        JsonElement? data = null;
        List<SequencedOp>? ops = null;
        Dictionary<string, JsonElement>? presence = null;
        var seen = 0;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = s_keys.ReadIndex(ref reader);
            switch (key)
            {
                case DocIdKey:
                    docId = reader.ReadString();
                    break;
                case TypeKey:
                    type = reader.ReadString();
                    break;
                case VKey:
                    v = FormatterValues.ReadInt64(ref reader);
                    break;
                case DataKey:
                    data = FormatterValues.ReadOptionalElement(ref reader);
                    break;
                case OpsKey:
                    ops = reader.TryReadNil() ? null : SequencedOpFormatter.Instance.ReadList(ref reader);
                    break;
                case PresenceKey:
                    presence = reader.TryReadNil() ? null : ReadPresence(ref reader);
                    break;
                default:
                    reader.Skip();
                    continue;
            }

            seen |= 1 << key;
        }

        if ((seen & Required) != Required)
        {
            var missing = (seen & (1 << DocIdKey)) == 0 ? "docId"
                : (seen & (1 << TypeKey)) == 0 ? "type"
                : (seen & (1 << VKey)) == 0 ? "v"
                : "presence";
            throw FormatterValues.MissingRequired(nameof(OpenResult), missing);
        }

        return new OpenResult { DocId = docId!, Type = type, V = v, Data = data, Ops = ops, Presence = presence! };
    }

    private static void WritePresence(MessagePackWriter writer, IReadOnlyDictionary<string, JsonElement>? presence)
    {
        if (presence is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(presence.Count);
        if (presence is Dictionary<string, JsonElement> dictionary)
        {
            // The struct enumerator: no boxed enumerator for the common case.
            foreach (var (clientId, value) in dictionary)
            {
                writer.WriteString(clientId);
                MessagePackJson.WriteJsonElement(writer, value);
            }

            return;
        }

        foreach (var (clientId, value) in presence)
        {
            writer.WriteString(clientId);
            MessagePackJson.WriteJsonElement(writer, value);
        }
    }

    private static Dictionary<string, JsonElement> ReadPresence(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var presence = new Dictionary<string, JsonElement>(count);
        for (var i = 0; i < count; i++)
        {
            // An integer key is its decimal text in the JSON form; a later duplicate replaces an earlier one there too.
            var clientId = reader.PeekType() == MessagePackType.Integer
                ? FormatterValues.ReadIntegerText(ref reader)
                : reader.ReadString() ?? throw new InvalidDataException("A presence key must be a string or an integer.");
            presence[clientId] = MessagePackJson.ReadJsonElement(ref reader);
        }

        return presence;
    }
}
