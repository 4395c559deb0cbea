using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Storage;

/// <summary>
/// Encodes the content of an op (its op, create or delete) as the bytes a store keeps in
/// <see cref="StoredOp.Payload"/>, and decodes them back. The one place the stored encoding lives, so it can evolve.
/// </summary>
/// <remarks>
/// Format 1:
/// <code>
/// byte 0   format version (1)
/// byte 1   kind: 0 op, 1 create, 2 delete
/// rest     op: the op's wire JSON (UTF-8); create: {"type":..,"data":..} (data absent when none); delete: empty
/// </code>
/// Readers reject a format version they do not know, so an old server never misreads a newer log.
/// </remarks>
public static class OpPayload
{
    /// <summary>The format version this build writes.</summary>
    public const byte FormatJson = 1;

    /// <summary>Encodes an op whose wire JSON is already written in <paramref name="opJson"/>.</summary>
    public static byte[] EncodeOp(ReadOnlySpan<byte> opJson)
    {
        var bytes = new byte[opJson.Length + 2];
        bytes[0] = FormatJson;
        bytes[1] = (byte)OpKind.Op;
        opJson.CopyTo(bytes.AsSpan(2));
        return bytes;
    }

    /// <summary>Encodes a create of <paramref name="type"/> with optional initial <paramref name="data"/>.</summary>
    public static byte[] EncodeCreate(string type, JsonElement? data)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        buffer.Write([FormatJson, (byte)OpKind.Create]);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            if (data is { } d)
            {
                writer.WritePropertyName("data"u8);
                d.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a delete.</summary>
    public static byte[] EncodeDelete() => [FormatJson, (byte)OpKind.Delete];

    /// <summary>The kind of a stored payload.</summary>
    public static OpKind KindOf(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || payload[0] != FormatJson || payload[1] > (byte)OpKind.Delete)
        {
            throw new LiveSyncException(ErrorCodes.Unavailable, $"stored op has an unknown format ({(payload.Length > 0 ? payload[0] : -1)})");
        }

        return (OpKind)payload[1];
    }

    /// <summary>The op's wire JSON, for a payload of kind <see cref="OpKind.Op"/>.</summary>
    public static ReadOnlySpan<byte> OpJson(ReadOnlySpan<byte> payload) => payload[2..];

    /// <summary>Turns a stored op into the wire form clients receive.</summary>
    public static SequencedOp ToSequencedOp(StoredOp stored)
    {
        var payload = stored.Payload.Span;
        var kind = KindOf(payload);
        return kind switch
        {
            OpKind.Op => new SequencedOp
            {
                V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts,
                Op = JsonElement.Parse(payload[2..]),
            },
            OpKind.Create => new SequencedOp
            {
                V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts,
                Create = ReadCreate(payload),
            },
            _ => new SequencedOp { V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts, Del = true },
        };
    }

    /// <summary>The create spec of a payload of kind <see cref="OpKind.Create"/>.</summary>
    public static CreateSpec ReadCreate(ReadOnlySpan<byte> payload)
    {
        var root = JsonElement.Parse(payload[2..]);
        var data = root.TryGetProperty("data"u8, out var d) ? d : (JsonElement?)null;
        return new CreateSpec(root.GetProperty("type"u8).GetString()!, data);
    }
}
