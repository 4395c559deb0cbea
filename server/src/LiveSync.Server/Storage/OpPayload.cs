using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Storage;

/// <summary>
/// Encodes the content of an op (its op, create or delete) as the bytes a store keeps in
/// <see cref="StoredOp.Payload"/>, and decodes them back. The one place the stored encoding lives, so it can evolve.
/// </summary>
/// <remarks>
/// Every payload is <c>[format][kind][body]</c>; <c>kind</c> is 0 op, 1 create, 2 delete.
/// <code>
/// format 2 (written by this build), MessagePack:
///   op       the op's JSON value as MessagePack (the mapping of <see cref="MessagePackJson"/>)
///   create   map { "type": str, "data": value }  ("data" absent when none)
///   delete   empty
/// format 1 (written before format 2; still read), JSON:
///   op       the op's wire JSON (UTF-8)
///   create   {"type":..,"data":..}  (data absent when none)
///   delete   empty
/// </code>
/// Both formats carry the same JSON values, so a payload decodes to the same op whichever format stored it, and a
/// log may mix them (a server upgraded in place keeps appending format 2 after its format-1 ops). Readers reject a
/// format version they do not know, so an old server never misreads a newer log.
/// </remarks>
public static class OpPayload
{
    /// <summary>Format 1: the body is JSON. Read, no longer written.</summary>
    public const byte FormatJson = 1;

    /// <summary>Format 2: the body is MessagePack. What <see cref="CurrentFormat"/> is.</summary>
    public const byte FormatMessagePack = 2;

    /// <summary>The format version this build writes: <see cref="FormatMessagePack"/>.</summary>
    public const byte CurrentFormat = FormatMessagePack;

    // How deep a stored value may nest: as deep as MessagePackJson transcodes, so whatever was stored reads back.
    private const int MaxStoredDepth = 256;

    private static ReadOnlySpan<byte> TypeKey => "type"u8;

    private static ReadOnlySpan<byte> DataKey => "data"u8;

    /// <summary>Encodes an op whose wire JSON is already written in <paramref name="opJson"/>.</summary>
    /// <param name="opJson">Exactly one JSON value: the op as validated and transformed by its type.</param>
    /// <returns>A new format-2 payload of kind <see cref="OpKind.Op"/>.</returns>
    /// <exception cref="JsonException"><paramref name="opJson"/> is not one JSON value.</exception>
    /// <exception cref="InvalidDataException">A string in it is not well-formed UTF-8 or holds a lone surrogate escape.</exception>
    public static byte[] EncodeOp(ReadOnlySpan<byte> opJson)
    {
        using var buffer = new PooledBufferWriter();
        var writer = Begin(buffer, OpKind.Op);
        MessagePackJson.WriteJson(writer, opJson);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a create of <paramref name="type"/> with optional initial <paramref name="data"/>.</summary>
    /// <param name="type">The type's name.</param>
    /// <param name="data">The initial data as given by the client, or null for none.</param>
    /// <returns>A new format-2 payload of kind <see cref="OpKind.Create"/>.</returns>
    /// <exception cref="InvalidDataException">A string in <paramref name="data"/> holds a lone surrogate escape.</exception>
    public static byte[] EncodeCreate(string type, JsonElement? data)
    {
        ArgumentNullException.ThrowIfNull(type);
        using var buffer = new PooledBufferWriter();
        var writer = Begin(buffer, OpKind.Create);
        writer.WriteMapHeader(data is null ? 1 : 2);
        writer.WriteString(TypeKey);
        writer.WriteString(type);
        if (data is { } d)
        {
            writer.WriteString(DataKey);
            MessagePackJson.WriteJsonElement(writer, d);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a delete.</summary>
    /// <returns>A new format-2 payload of kind <see cref="OpKind.Delete"/>.</returns>
    public static byte[] EncodeDelete() => [CurrentFormat, (byte)OpKind.Delete];

    /// <summary>The kind of a stored payload.</summary>
    /// <param name="payload">A payload of any known format.</param>
    /// <returns>Its kind.</returns>
    /// <exception cref="LiveSyncException"><c>unavailable</c>: the format or the kind is unknown.</exception>
    public static OpKind KindOf(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2 || payload[0] is not (FormatJson or FormatMessagePack) || payload[1] > (byte)OpKind.Delete)
        {
            throw new LiveSyncException(ErrorCodes.Unavailable, $"stored op has an unknown format ({(payload.Length > 0 ? payload[0] : -1)})");
        }

        return (OpKind)payload[1];
    }

    /// <summary>The op of a payload of kind <see cref="OpKind.Op"/>, as the JSON value clients see.</summary>
    /// <param name="payload">A payload of any known format.</param>
    /// <returns>The op, a standalone element.</returns>
    /// <exception cref="LiveSyncException"><c>unavailable</c>: the format is unknown or the body is malformed.</exception>
    public static JsonElement ReadOp(ReadOnlyMemory<byte> payload)
    {
        KindOf(payload.Span);
        return ReadBody(payload);
    }

    /// <summary>
    /// The op's wire JSON, for a payload of kind <see cref="OpKind.Op"/>: the stored bytes for format 1, a new
    /// transcoding for format 2 (a new array each call). <see cref="ReadOp"/> is the cheaper way to the op itself.
    /// </summary>
    /// <param name="payload">A payload of any known format.</param>
    /// <returns>The op as UTF-8 JSON.</returns>
    /// <exception cref="LiveSyncException"><c>unavailable</c>: the format is unknown or the body is malformed.</exception>
    public static ReadOnlySpan<byte> OpJson(ReadOnlySpan<byte> payload)
    {
        KindOf(payload);
        return payload[0] == FormatJson
            ? payload[2..]
            : JsonSerializer.SerializeToUtf8Bytes(ReadBody(payload.ToArray()));
    }

    /// <summary>Turns a stored op into the wire form clients receive.</summary>
    /// <param name="stored">The stored op, of any known format.</param>
    /// <returns>The op as broadcast and fetched.</returns>
    /// <exception cref="LiveSyncException"><c>unavailable</c>: the payload's format is unknown or its body is malformed.</exception>
    public static SequencedOp ToSequencedOp(StoredOp stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var kind = KindOf(stored.Payload.Span);
        return kind switch
        {
            OpKind.Op => new SequencedOp
            {
                V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts,
                Op = ReadBody(stored.Payload),
            },
            OpKind.Create => new SequencedOp
            {
                V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts,
                Create = ToCreateSpec(ReadBody(stored.Payload)),
            },
            _ => new SequencedOp { V = stored.V, ClientId = stored.ClientId, Seq = stored.Seq, Ts = stored.Ts, Del = true },
        };
    }

    /// <summary>The create spec of a payload of kind <see cref="OpKind.Create"/>.</summary>
    /// <param name="payload">A payload of any known format.</param>
    /// <returns>The type and the initial data (null when none was given).</returns>
    /// <exception cref="LiveSyncException"><c>unavailable</c>: the format is unknown or the body is malformed.</exception>
    public static CreateSpec ReadCreate(ReadOnlySpan<byte> payload)
    {
        KindOf(payload);

        // Creates are rare (once per document), so copying to reach the memory-based reader costs nothing that matters.
        return ToCreateSpec(payload[0] == FormatJson ? ParseJsonBody(payload) : ReadBody(payload.ToArray()));
    }

    private static MessagePackWriter Begin(PooledBufferWriter buffer, OpKind kind)
    {
        var header = buffer.GetSpan(2);
        header[0] = CurrentFormat;
        header[1] = (byte)kind;
        buffer.Advance(2);
        return new MessagePackWriter(buffer);
    }

    // The body of a payload whose format KindOf has already accepted, as one JSON value.
    private static JsonElement ReadBody(ReadOnlyMemory<byte> payload)
    {
        if (payload.Span[0] == FormatJson)
        {
            return ParseJsonBody(payload.Span);
        }

        try
        {
            var reader = new MessagePackReader(payload[2..], MaxStoredDepth);
            var value = MessagePackJson.ReadJsonElement(ref reader);
            if (!reader.End)
            {
                throw new InvalidDataException($"{reader.Remaining} bytes follow the value.");
            }

            return value;
        }
        catch (InvalidDataException ex)
        {
            throw Malformed(FormatMessagePack, ex);
        }
    }

    private static JsonElement ParseJsonBody(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonElement.Parse(payload[2..]);
        }
        catch (JsonException ex)
        {
            throw Malformed(FormatJson, ex);
        }
    }

    private static CreateSpec ToCreateSpec(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty(TypeKey, out var type)
            || type.ValueKind != JsonValueKind.String)
        {
            throw new LiveSyncException(ErrorCodes.Unavailable, "stored create is malformed: it names no type");
        }

        var data = root.TryGetProperty(DataKey, out var d) ? d : (JsonElement?)null;
        return new CreateSpec(type.GetString()!, data);
    }

    private static LiveSyncException Malformed(byte format, Exception inner) =>
        new(ErrorCodes.Unavailable, $"stored op (format {format}) is malformed: {inner.Message}");
}
