using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LiveSync.Protocol.MessagePack;

/// <summary>
/// Maps between MessagePack values and JSON (System.Text.Json), so that a value, an op above all, means the same
/// whichever hub protocol carried it.
/// </summary>
/// <remarks>
/// <para>The mapping, both ways:</para>
/// <code>
/// JSON                          MessagePack
/// null, true, false             nil, true, false
/// number written as an integer  the shortest int / uint format (one beyond 64 bits: float 64)
/// any other number              float 64  (reading: float 32 and float 64; NaN and infinities have no JSON form)
/// string                        str (UTF-8, checked well-formed on reading)
/// array                         array
/// object                        map with str keys (reading also takes integer keys, as their decimal text)
/// string, base64                bin            (reading only: the way System.Text.Json carries byte[])
/// string, ISO 8601 "O" format   timestamp (ext -1)  (reading only: the way System.Text.Json carries DateTime)
/// </code>
/// <para>Other extension types have no JSON form; reading one is <see cref="InvalidDataException"/>. A number
/// written as <c>1.0</c> in JSON becomes float 64 1.0 and reads back as <c>1</c>: the same number.</para>
/// </remarks>
public static class MessagePackJson
{
    // The deepest JSON this class transcodes to MessagePack; deeper than any reader accepts by default (64).
    private const int MaxJsonDepth = 256;

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // The intermediate JSON never leaves the process, so only what JSON itself requires is escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // One JSON writer and buffer holder per thread, taken out while in use (so re-entrant calls make their own):
    // saves allocating a ~200-byte Utf8JsonWriter and a buffer holder per value. The rented array itself goes back
    // to the pool after every use, so an idle thread holds no buffer.
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Reads the next MessagePack value as a standalone <see cref="JsonElement"/>.</summary>
    /// <param name="reader">The reader, left after the value.</param>
    /// <returns>The value as JSON; nil is a <see cref="JsonValueKind.Null"/> element.</returns>
    /// <exception cref="InvalidDataException">The value is malformed or has no JSON form.</exception>
    public static JsonElement ReadJsonElement(ref MessagePackReader reader)
    {
        var scratch = RentScratch();
        try
        {
            ReadJson(ref reader, scratch.Json);
            scratch.Json.Flush();
            return JsonElement.Parse(scratch.Buffer.WrittenSpan, new JsonDocumentOptions { MaxDepth = reader.MaxDepth + 1 });
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>Reads the next MessagePack value and deserializes it with System.Text.Json, through its JSON form.</summary>
    /// <param name="reader">The reader, left after the value.</param>
    /// <param name="type">The type to deserialize to.</param>
    /// <param name="options">The serializer options (naming policy, converters).</param>
    /// <returns>The value; nil gives what JSON <c>null</c> gives for <paramref name="type"/>.</returns>
    /// <exception cref="InvalidDataException">The value is malformed or has no JSON form.</exception>
    /// <exception cref="JsonException">The JSON form does not fit <paramref name="type"/>.</exception>
    public static object? Deserialize(ref MessagePackReader reader, Type type, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var scratch = RentScratch();
        try
        {
            ReadJson(ref reader, scratch.Json);
            scratch.Json.Flush();
            return JsonSerializer.Deserialize(scratch.Buffer.WrittenSpan, type, options);
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>Reads the next MessagePack value and writes it as JSON.</summary>
    /// <param name="reader">The reader, left after the value.</param>
    /// <param name="writer">Where the JSON goes.</param>
    /// <exception cref="InvalidDataException">The value is malformed or has no JSON form.</exception>
    public static void ReadJson(ref MessagePackReader reader, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadValue(ref reader, writer, 0);
    }

    /// <summary>Writes a <see cref="JsonElement"/> as MessagePack.</summary>
    /// <param name="writer">Where the MessagePack goes.</param>
    /// <param name="element">The value; an undefined (default) element is written as nil.</param>
    /// <exception cref="InvalidDataException">A string in it holds a lone surrogate escape, which UTF-8 cannot carry.</exception>
    public static void WriteJsonElement(MessagePackWriter writer, JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNil();
            return;
        }

        WriteJson(writer, JsonMarshal.GetRawUtf8Value(element));
    }

    /// <summary>Serializes a value with System.Text.Json and writes its JSON form as MessagePack.</summary>
    /// <param name="writer">Where the MessagePack goes.</param>
    /// <param name="value">The value; null is nil.</param>
    /// <param name="type">The type to serialize it as (usually its runtime type).</param>
    /// <param name="options">The serializer options (naming policy, ignore conditions, converters).</param>
    /// <exception cref="InvalidDataException">A string in it holds a lone surrogate, which UTF-8 cannot carry.</exception>
    public static void Serialize(MessagePackWriter writer, object? value, Type type, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var scratch = RentScratch();
        try
        {
            JsonSerializer.Serialize(scratch.Json, value, type, options);
            scratch.Json.Flush();
            WriteJson(writer, scratch.Buffer.WrittenSpan);
        }
        finally
        {
            ReturnScratch(scratch);
        }
    }

    /// <summary>Writes one JSON value, given as UTF-8 text, as MessagePack.</summary>
    /// <param name="writer">Where the MessagePack goes.</param>
    /// <param name="utf8Json">Exactly one JSON value, optionally surrounded by whitespace.</param>
    /// <exception cref="JsonException"><paramref name="utf8Json"/> is not one JSON value or nests deeper than 256.</exception>
    /// <exception cref="InvalidDataException">A string in it is not well-formed UTF-8 or holds a lone surrogate escape.</exception>
    public static void WriteJson(MessagePackWriter writer, ReadOnlySpan<byte> utf8Json)
    {
        // MessagePack puts each array's and map's count before its items, JSON only ends them, so a first pass
        // counts the items of every container (in the order they open) and the second writes.
        var readerOptions = new JsonReaderOptions { MaxDepth = MaxJsonDepth };
        var counts = ArrayPool<int>.Shared.Rent(16);
        try
        {
            Span<int> open = stackalloc int[MaxJsonDepth + 1];
            var top = -1;
            var containers = 0;
            var reader = new Utf8JsonReader(utf8Json, readerOptions);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        continue;
                    case JsonTokenType.EndArray or JsonTokenType.EndObject:
                        top--;
                        continue;
                }

                // A value (a container's start among them) counts as one item of the container it is in: in an
                // object the values are as many as the properties.
                if (top >= 0)
                {
                    counts[open[top]]++;
                }

                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    if (containers == counts.Length)
                    {
                        var larger = ArrayPool<int>.Shared.Rent(counts.Length * 2);
                        counts.AsSpan(0, containers).CopyTo(larger);
                        ArrayPool<int>.Shared.Return(counts);
                        counts = larger;
                    }

                    counts[containers] = 0;
                    open[++top] = containers++;
                }
            }

            reader = new Utf8JsonReader(utf8Json, readerOptions);
            var next = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartArray:
                        writer.WriteArrayHeader(counts[next++]);
                        break;
                    case JsonTokenType.StartObject:
                        writer.WriteMapHeader(counts[next++]);
                        break;
                    case JsonTokenType.PropertyName or JsonTokenType.String:
                        WriteJsonString(writer, ref reader);
                        break;
                    case JsonTokenType.Number:
                        WriteJsonNumber(writer, ref reader);
                        break;
                    case JsonTokenType.True:
                        writer.WriteBoolean(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBoolean(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNil();
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    private static void WriteJsonString(MessagePackWriter writer, ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            MessagePackReader.ValidateUtf8(raw);
            writer.WriteString(raw);
            return;
        }

        // Unescaping never lengthens a string, so the raw length bounds the buffer.
        byte[]? rented = null;
        var buffer = raw.Length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int length;
            try
            {
                length = reader.CopyString(buffer);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidDataException("A JSON string holds a lone surrogate escape, which UTF-8 cannot carry.", ex);
            }

            MessagePackReader.ValidateUtf8(buffer[..length]);
            writer.WriteString(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void WriteJsonNumber(MessagePackWriter writer, ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var signed))
        {
            writer.WriteInt64(signed);
        }
        else if (reader.TryGetUInt64(out var unsigned))
        {
            writer.WriteUInt64(unsigned);
        }
        else if (reader.TryGetDouble(out var number))
        {
            writer.WriteDouble(number);
        }
        else
        {
            throw new InvalidDataException("A JSON number is out of the range of a 64-bit float.");
        }
    }

    private static void ReadValue(ref MessagePackReader reader, Utf8JsonWriter writer, int depth)
    {
        switch (reader.PeekType())
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.PeekCode() == MessagePackCode.UInt64)
                {
                    writer.WriteNumberValue(reader.ReadUInt64());
                }
                else
                {
                    writer.WriteNumberValue(reader.ReadInt64());
                }

                break;
            case MessagePackType.Float:
                if (reader.PeekCode() == MessagePackCode.Float32)
                {
                    var single = reader.ReadSingle();
                    if (!float.IsFinite(single))
                    {
                        MessagePackReader.ThrowInvalid("NaN and infinities have no JSON form.");
                    }

                    writer.WriteNumberValue(single);
                }
                else
                {
                    var number = reader.ReadDouble();
                    if (!double.IsFinite(number))
                    {
                        MessagePackReader.ThrowInvalid("NaN and infinities have no JSON form.");
                    }

                    writer.WriteNumberValue(number);
                }

                break;
            case MessagePackType.String:
                WriteUtf8(reader.ReadStringSequence()!.Value, writer, propertyName: false);
                break;
            case MessagePackType.Binary:
                WriteBase64(reader.ReadBytes()!.Value, writer);
                break;
            case MessagePackType.Array:
            {
                var count = reader.ReadArrayHeader();
                reader.CheckDepth(depth);
                writer.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    ReadValue(ref reader, writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            }

            case MessagePackType.Map:
            {
                var count = reader.ReadMapHeader();
                reader.CheckDepth(depth);
                writer.WriteStartObject();
                for (var i = 0; i < count; i++)
                {
                    ReadPropertyName(ref reader, writer);
                    ReadValue(ref reader, writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            }

            default:
                writer.WriteStringValue(reader.ReadTimestamp());
                break;
        }
    }

    private static void ReadPropertyName(ref MessagePackReader reader, Utf8JsonWriter writer)
    {
        switch (reader.PeekType())
        {
            case MessagePackType.String:
                WriteUtf8(reader.ReadStringSequence()!.Value, writer, propertyName: true);
                break;
            case MessagePackType.Integer:
            {
                Span<byte> digits = stackalloc byte[24];
                int length;
                if (reader.PeekCode() == MessagePackCode.UInt64)
                {
                    reader.ReadUInt64().TryFormat(digits, out length);
                }
                else
                {
                    reader.ReadInt64().TryFormat(digits, out length);
                }

                writer.WritePropertyName(digits[..length]);
                break;
            }

            default:
                MessagePackReader.ThrowInvalid($"A map key must be a string or an integer to have a JSON form, not a {reader.PeekType()}.");
                break;
        }
    }

    private static void WriteUtf8(ReadOnlySequence<byte> utf8, Utf8JsonWriter writer, bool propertyName)
    {
        if (utf8.IsSingleSegment)
        {
            WriteUtf8(utf8.FirstSpan, writer, propertyName);
            return;
        }

        var length = (int)utf8.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8.CopyTo(rented);
            WriteUtf8(rented.AsSpan(0, length), writer, propertyName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteUtf8(ReadOnlySpan<byte> utf8, Utf8JsonWriter writer, bool propertyName)
    {
        MessagePackReader.ValidateUtf8(utf8);
        if (propertyName)
        {
            writer.WritePropertyName(utf8);
        }
        else
        {
            writer.WriteStringValue(utf8);
        }
    }

    private static void WriteBase64(ReadOnlySequence<byte> bytes, Utf8JsonWriter writer)
    {
        if (bytes.IsSingleSegment)
        {
            writer.WriteBase64StringValue(bytes.FirstSpan);
            return;
        }

        var length = (int)bytes.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            writer.WriteBase64StringValue(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static Scratch RentScratch()
    {
        var scratch = t_scratch;
        t_scratch = null;
        scratch ??= new Scratch();
        scratch.Json.Reset(scratch.Buffer);
        return scratch;
    }

    private static void ReturnScratch(Scratch scratch)
    {
        scratch.Buffer.Dispose();
        t_scratch = scratch;
    }

    private sealed class Scratch
    {
        public Scratch()
        {
            Buffer = new PooledBufferWriter();
            Json = new Utf8JsonWriter(Buffer, s_writerOptions);
        }

        public PooledBufferWriter Buffer { get; }

        public Utf8JsonWriter Json { get; }
    }
}
