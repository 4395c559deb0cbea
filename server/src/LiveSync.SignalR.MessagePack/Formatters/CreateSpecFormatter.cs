using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="CreateSpec"/>: <c>{type, data?}</c>.</summary>
internal sealed class CreateSpecFormatter : IMessagePackFormatter<CreateSpec>
{
    /// <summary>The one instance.</summary>
    public static readonly CreateSpecFormatter Instance = new();

    private const int TypeKey = 0;
    private const int DataKey = 1;
    private static readonly KeySet s_keys = new("type", "data");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, CreateSpec value)
    {
        writer.WriteMapHeader(value.Data.HasValue ? 2 : 1);
        s_keys.Write(writer, TypeKey);
        writer.WriteString(value.Type);
        if (value.Data is { } data)
        {
            s_keys.Write(writer, DataKey);
            MessagePackJson.WriteJsonElement(writer, data);
        }
    }

    /// <inheritdoc/>
    public CreateSpec Read(ref MessagePackReader reader)
    {
        // Constructor parameters: a missing one takes its default, as System.Text.Json gives it.
        string? type = null;
        JsonElement? data = null;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            switch (s_keys.ReadIndex(ref reader))
            {
                case TypeKey:
                    type = reader.ReadString();
                    break;
                case DataKey:
                    data = FormatterValues.ReadOptionalElement(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new CreateSpec(type!, data);
    }
}
