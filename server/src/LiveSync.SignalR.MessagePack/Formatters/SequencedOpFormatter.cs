using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary><see cref="SequencedOp"/>, the payload of every <c>op</c> broadcast: <c>{v, clientId, seq, op?, create?, del?, ts}</c>.</summary>
internal sealed class SequencedOpFormatter : IMessagePackFormatter<SequencedOp>
{
    /// <summary>The one instance.</summary>
    public static readonly SequencedOpFormatter Instance = new();

    private const int VKey = 0;
    private const int ClientIdKey = 1;
    private const int SeqKey = 2;
    private const int OpKey = 3;
    private const int CreateKey = 4;
    private const int DelKey = 5;
    private const int TsKey = 6;
    private const int Required = (1 << VKey) | (1 << ClientIdKey) | (1 << SeqKey) | (1 << TsKey);
    private static readonly KeySet s_keys = new("v", "clientId", "seq", "op", "create", "del", "ts");

    /// <inheritdoc/>
    public void Write(MessagePackWriter writer, SequencedOp value)
    {
        var op = value.Op;
        var create = value.Create;
        var del = value.Del;
        writer.WriteMapHeader(4 + ChangeFields.Count(op, create, del));
        s_keys.Write(writer, VKey);
        writer.WriteInt64(value.V);
        s_keys.Write(writer, ClientIdKey);
        writer.WriteString(value.ClientId);
        s_keys.Write(writer, SeqKey);
        writer.WriteInt64(value.Seq);
        ChangeFields.Write(writer, s_keys, OpKey, op, create, del);

        s_keys.Write(writer, TsKey);
        writer.WriteInt64(value.Ts);
    }

    /// <inheritdoc/>
    public SequencedOp Read(ref MessagePackReader reader)
    {
        long v = 0, seq = 0, ts = 0;
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
                case VKey:
                    v = FormatterValues.ReadInt64(ref reader);
                    break;
                case ClientIdKey:
                    clientId = reader.ReadString();
                    break;
                case SeqKey:
                    seq = FormatterValues.ReadInt64(ref reader);
                    break;
                case OpKey or CreateKey or DelKey:
                    ChangeFields.Read(ref reader, key - OpKey, ref op, ref create, ref del);
                    break;
                case TsKey:
                    ts = FormatterValues.ReadInt64(ref reader);
                    break;
                default:
                    reader.Skip();
                    continue;
            }

            seen |= 1 << key;
        }

        if ((seen & Required) != Required)
        {
            throw FormatterValues.MissingRequired(nameof(SequencedOp), MissingKey(seen));
        }

        return new SequencedOp { V = v, ClientId = clientId!, Seq = seq, Op = op, Create = create, Del = del, Ts = ts };
    }

    /// <summary>Writes a list of ops as an array (what <c>Fetch</c> returns and <c>Open</c> may carry).</summary>
    /// <param name="writer">Where it goes.</param>
    /// <param name="ops">The ops; a null item is nil.</param>
    public void WriteList(MessagePackWriter writer, IReadOnlyList<SequencedOp> ops)
    {
        writer.WriteArrayHeader(ops.Count);
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is { } op)
            {
                Write(writer, op);
            }
            else
            {
                writer.WriteNil();
            }
        }
    }

    /// <summary>Reads an array of ops; nil items are null.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The ops.</returns>
    public SequencedOp[] ReadArray(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        var ops = count == 0 ? [] : new SequencedOp[count];
        for (var i = 0; i < count; i++)
        {
            ops[i] = reader.TryReadNil() ? null! : Read(ref reader);
        }

        return ops;
    }

    /// <summary>Reads an array of ops as a list, the way System.Text.Json reads an <see cref="IReadOnlyList{T}"/>; nil items are null.</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The ops.</returns>
    public List<SequencedOp> ReadList(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        var ops = new List<SequencedOp>(count);
        for (var i = 0; i < count; i++)
        {
            ops.Add(reader.TryReadNil() ? null! : Read(ref reader));
        }

        return ops;
    }

    private static string MissingKey(int seen) =>
        (seen & (1 << VKey)) == 0 ? "v"
        : (seen & (1 << ClientIdKey)) == 0 ? "clientId"
        : (seen & (1 << SeqKey)) == 0 ? "seq"
        : "ts";
}
