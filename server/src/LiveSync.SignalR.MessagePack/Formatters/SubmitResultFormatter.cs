using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="SubmitResult"/>: <c>{v}</c>.</summary>
internal sealed class SubmitResultFormatter : IMessagePackFormatter<SubmitResult>
{
    /// <summary>The one instance.</summary>
    public static readonly SubmitResultFormatter Instance = new();

    private const int VKey = 0;
    private static readonly KeySet s_keys = new("v");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, SubmitResult value)
    {
        writer.WriteMapHeader(1);
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
    }

    /// <inheritdoc/>
    public SubmitResult Read(ref MessagePackReader reader)
    {
        // A constructor parameter: missing, it is 0, as System.Text.Json gives it.
        long v = 0;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            if (s_keys.ReadIndex(ref reader) == VKey)
            {
                v = FormatterValues.ReadInt64(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return new SubmitResult(v);
    }
}
