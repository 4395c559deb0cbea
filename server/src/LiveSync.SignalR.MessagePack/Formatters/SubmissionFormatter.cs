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
        writer.WriteMapHeader(3 + ChangeFields.Count(op, create, del));
        s_keys.Write(writer, ClientIdKey);
        writer.WriteString(value.ClientId);
        s_keys.Write(writer, SeqKey);
        writer.WriteInt64(value.Seq);
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
        ChangeFields.Write(writer, s_keys, OpKey, op, create, del);
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
                case OpKey or CreateKey or DelKey:
                    ChangeFields.Read(ref reader, key - OpKey, ref op, ref create, ref del);
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
