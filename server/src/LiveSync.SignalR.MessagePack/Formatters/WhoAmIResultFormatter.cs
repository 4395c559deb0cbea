using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="WhoAmIResult"/>: <c>{clientId}</c>.</summary>
internal sealed class WhoAmIResultFormatter : IMessagePackFormatter<WhoAmIResult>
{
    /// <summary>The one instance.</summary>
    public static readonly WhoAmIResultFormatter Instance = new();

    private const int ClientIdKey = 0;
    private static readonly KeySet s_keys = new("clientId");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, WhoAmIResult value)
    {
        writer.WriteMapHeader(1);
        s_keys.Write(writer, ClientIdKey);
        writer.WriteString(value.ClientId);
    }

    /// <inheritdoc/>
    public WhoAmIResult Read(ref MessagePackReader reader)
    {
        // A constructor parameter: missing, it is null, as System.Text.Json gives it.
        string? clientId = null;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (s_keys.ReadIndex(ref reader) == ClientIdKey)
            {
                clientId = reader.ReadString();
            }
            else
            {
                reader.Skip();
            }
        }

        return new WhoAmIResult(clientId!);
    }
}
