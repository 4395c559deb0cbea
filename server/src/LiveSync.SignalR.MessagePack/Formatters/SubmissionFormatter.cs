using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="Submission"/>, what a client's <c>Submit</c> carries: <c>{clientId, seq, v, op?, create?, del?}</c>.</summary>
internal sealed class SubmissionFormatter : IMessagePackFormatter<Submission>
{
    /// <summary>The one instance.</summary>
    public static readonly SubmissionFormatter Instance = new();

    private const int ClientIdKey = 0;
    private const int SeqKey = 1;
    private const int VKey = 2;
    private const int OpKey = 3;
    private const int CreateKey = 4;
    private const int DelKey = 5;
    private const int Required = (1 << ClientIdKey) | (1 << SeqKey) | (1 << VKey);
    private static readonly KeySet s_keys = new("clientId", "seq", "v", "op", "create", "del");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, Submission value)
    {
        var op = value.Op;
        var create = value.Create;
        var del = value.Del;
        writer.WriteMapHeader(3 + (op.HasValue ? 1 : 0) + (create is null ? 0 : 1) + (del.HasValue ? 1 : 0));
        s_keys.Write(writer, ClientIdKey);
        writer.WriteString(value.ClientId);
        s_keys.Write(writer, SeqKey);
        writer.WriteInt64(value.Seq);
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
        if (op.HasValue)
        {
            s_keys.Write(writer, OpKey);
            MessagePackJson.WriteJsonElement(writer, op.GetValueOrDefault());
        }

        if (create is not null)
        {
            s_keys.Write(writer, CreateKey);
            CreateSpecFormatter.Instance.Write(writer, create);
        }

        if (del.HasValue)
        {
            s_keys.Write(writer, DelKey);
            writer.WriteBoolean(del.GetValueOrDefault());
        }
    }

    /// <inheritdoc/>
    public Submission Read(ref MessagePackReader reader)
    {
        long v = 0, seq = 0;
        string? clientId = null;
        JsonElement? op = null;
        CreateSpec? create = null;
        bool? del = null;
        var seen = 0;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = s_keys.ReadIndex(ref reader);
            switch (key)
            {
                case ClientIdKey:
                    clientId = reader.ReadString();
                    break;
                case SeqKey:
                    seq = FormatterValues.ReadInt64(ref reader);
                    break;
                case VKey:
                    v = FormatterValues.ReadInt64(ref reader);
                    break;
                case OpKey:
                    op = FormatterValues.ReadOptionalElement(ref reader);
                    break;
                case CreateKey:
                    create = reader.TryReadNil() ? null : CreateSpecFormatter.Instance.Read(ref reader);
                    break;
                case DelKey:
                    del = FormatterValues.ReadOptionalBoolean(ref reader);
                    break;
                default:
                    reader.Skip();
                    continue;
            }

            seen |= 1 << key;
        }

        if ((seen & Required) != Required)
        {
            var missing = (seen & (1 << ClientIdKey)) == 0 ? "clientId" : (seen & (1 << SeqKey)) == 0 ? "seq" : "v";
            throw FormatterValues.MissingRequired(nameof(Submission), missing);
        }

        return new Submission { ClientId = clientId!, Seq = seq, V = v, Op = op, Create = create, Del = del };
    }
}
