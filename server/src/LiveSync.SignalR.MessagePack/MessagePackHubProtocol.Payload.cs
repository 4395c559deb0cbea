using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.SignalR.MessagePack.Formatters;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace LiveSync.SignalR.MessagePack;

/// <content>Mapping argument, stream item and result values to and from MessagePack.</content>
public sealed partial class MessagePackHubProtocol
{
    private object? ReadValue(ref MessagePackReader reader, Type type)
    {
        // object means "whatever came": its JSON form, as System.Text.Json gives for object.
        if (type == typeof(object))
        {
            return reader.TryReadNil() ? null : MessagePackJson.ReadJsonElement(ref reader);
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            if (reader.TryReadNil())
            {
                return null;
            }

            type = underlying;
        }

        if (type == typeof(JsonElement))
        {
            return MessagePackJson.ReadJsonElement(ref reader);
        }

        if (type == typeof(string))
        {
            return reader.ReadString();
        }

        if (type == typeof(bool))
        {
            return reader.ReadBoolean();
        }

        if (type == typeof(int))
        {
            return reader.ReadInt32();
        }

        if (type == typeof(long))
        {
            return reader.ReadInt64();
        }

        if (type == typeof(double))
        {
            return reader.ReadDouble();
        }

        if (type == typeof(float))
        {
            return (float)reader.ReadDouble();
        }

        if (type == typeof(short) || type == typeof(ushort) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(uint))
        {
            return ReadNarrowInteger(ref reader, type);
        }

        if (type == typeof(ulong))
        {
            return reader.ReadUInt64();
        }

        if (type == typeof(RawResult))
        {
            // RawResult copies the bytes, so it outlives the input buffer.
            return new RawResult(reader.ReadRaw());
        }

        var next = reader.PeekType();
        if (type == typeof(byte[]) && next is MessagePackType.Binary or MessagePackType.Nil)
        {
            return reader.ReadBytes() is { } bytes ? bytes.ToArray() : null;
        }

        if (next == MessagePackType.Extension)
        {
            if (type == typeof(DateTime))
            {
                return reader.ReadTimestamp();
            }

            if (type == typeof(DateTimeOffset))
            {
                return new DateTimeOffset(reader.ReadTimestamp());
            }
        }

        if (_directFormatters && LiveSyncFormatters.TryRead(ref reader, type, out var value))
        {
            return value;
        }

        return MessagePackJson.Deserialize(ref reader, type, _serializerOptions);
    }

    private static object ReadNarrowInteger(ref MessagePackReader reader, Type type)
    {
        var value = reader.ReadInt64();
        try
        {
            return Convert.ChangeType(value, type, provider: null);
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"The integer {value} does not fit a {type.Name}.");
        }
    }

    private void WriteValue(MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNil();
                break;
            case string text:
                writer.WriteString(text);
                break;
            case bool boolean:
                writer.WriteBoolean(boolean);
                break;
            case int number:
                writer.WriteInt64(number);
                break;
            case long number:
                writer.WriteInt64(number);
                break;
            case double number:
                writer.WriteDouble(number);
                break;
            case float number:
                writer.WriteSingle(number);
                break;
            case short number:
                writer.WriteInt64(number);
                break;
            case byte number:
                writer.WriteInt64(number);
                break;
            case sbyte number:
                writer.WriteInt64(number);
                break;
            case ushort number:
                writer.WriteInt64(number);
                break;
            case uint number:
                writer.WriteInt64(number);
                break;
            case ulong number:
                writer.WriteUInt64(number);
                break;
            case JsonElement element:
                MessagePackJson.WriteJsonElement(writer, element);
                break;
            case JsonDocument document:
                MessagePackJson.WriteJsonElement(writer, document.RootElement);
                break;
            case byte[] bytes:
                writer.WriteBinary(bytes);
                break;
            case ReadOnlyMemory<byte> bytes:
                writer.WriteBinary(bytes.Span);
                break;
            case Memory<byte> bytes:
                writer.WriteBinary(bytes.Span);
                break;
            case DateTime time:
                writer.WriteTimestamp(time);
                break;
            case DateTimeOffset time:
                writer.WriteTimestamp(time.UtcDateTime);
                break;
            case RawResult raw:
                // Already MessagePack (a client's result relayed as it came).
                writer.WriteRaw(raw.RawSerializedData);
                break;
            default:
                if (!_directFormatters || !LiveSyncFormatters.TryWrite(writer, value))
                {
                    MessagePackJson.Serialize(writer, value, value.GetType(), _serializerOptions);
                }

                break;
        }
    }
}
