using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="Snapshot"/>: <c>{docId, type, v, data}</c>, every key always present.</summary>
internal sealed class SnapshotFormatter : IMessagePackFormatter<Snapshot>
{
    /// <summary>The one instance.</summary>
    public static readonly SnapshotFormatter Instance = new();

    private const int DocIdKey = 0;
    private const int TypeKey = 1;
    private const int VKey = 2;
    private const int DataKey = 3;
    private static readonly KeySet s_keys = new("docId", "type", "v", "data");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, Snapshot value)
    {
        writer.WriteMapHeader(4);
        s_keys.Write(writer, DocIdKey);
        writer.WriteString(value.DocId);
        s_keys.Write(writer, TypeKey);
        writer.WriteString(value.Type);
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
        s_keys.Write(writer, DataKey);
        MessagePackJson.WriteJsonElement(writer, value.Data);
    }

    /// <inheritdoc/>
    public Snapshot Read(ref MessagePackReader reader)
    {
        // Constructor parameters: a missing one takes its default, as System.Text.Json gives it.
        string? docId = null, type = null;
        long v = 0;
        JsonElement data = default;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            switch (s_keys.ReadIndex(ref reader))
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
                    // Not optional: nil is a JSON null value.
                    data = MessagePackJson.ReadJsonElement(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new Snapshot(docId!, type, v, data);
    }
}
