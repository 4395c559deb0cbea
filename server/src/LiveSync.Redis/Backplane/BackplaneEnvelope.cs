using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// The binary envelope of every backplane message: what one server publishes and the others read. Hub messages
/// travel already serialized, once per hub protocol, so a receiving server only copies bytes to its connections.
/// </summary>
/// <remarks>
/// <code>
/// envelope     = format:u8(=1) kind:u8 sender:16 bytes body
/// kind 1 invocation      body = count excluded-connection-id*  count (protocol-name payload)*
/// kind 2 group command   body = id action:u8 connection-id group-name     action 1 add, 2 remove
/// kind 3 ack             body = id
/// count, id    unsigned LEB128 varint (7 bits a byte, low group first)
/// string       varint byte length, then UTF-8 (connection ids, group names, protocol names)
/// payload      varint byte length, then the bytes IHubProtocol.GetMessageBytes wrote for that protocol
/// sender       the publishing server's 16-byte id: a server ignores its own messages (it delivered locally)
/// </code>
/// A reader refuses a format it does not know, so servers of a later format are noticed, not misread.
/// </remarks>
internal static class BackplaneEnvelope
{
    /// <summary>The only format written and read.</summary>
    public const byte Format = 1;

    /// <summary>Length of a server id in bytes.</summary>
    public const int ServerIdLength = 16;

    private const int HeaderLength = 2 + ServerIdLength;

    /// <summary>What an envelope carries.</summary>
    public enum Kind : byte
    {
        /// <summary>A hub message for the receiver's targets.</summary>
        Invocation = 1,

        /// <summary>Add or remove a connection the receiver holds to or from a group; acknowledged.</summary>
        GroupCommand = 2,

        /// <summary>The acknowledgement of a group command.</summary>
        Ack = 3,
    }

    /// <summary>The action of a group command.</summary>
    public enum GroupAction : byte
    {
        /// <summary>Add the connection to the group.</summary>
        Add = 1,

        /// <summary>Remove the connection from the group.</summary>
        Remove = 2,
    }

    /// <summary>Writes an invocation envelope into a pooled array; the caller returns <paramref name="buffer"/> to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static int WriteInvocation(ReadOnlySpan<byte> sender, IReadOnlyList<string>? excluded, IReadOnlyList<SerializedMessage> messages, out byte[] buffer)
    {
        var length = HeaderLength + VarIntLength((uint)(excluded?.Count ?? 0)) + VarIntLength((uint)messages.Count);
        if (excluded is not null)
        {
            foreach (var id in excluded)
            {
                length += StringLength(id);
            }
        }

        foreach (var message in messages)
        {
            length += StringLength(message.ProtocolName) + VarIntLength((uint)message.Serialized.Length) + message.Serialized.Length;
        }

        buffer = ArrayPool<byte>.Shared.Rent(length);
        var span = buffer.AsSpan(0, length);
        var at = WriteHeader(span, Kind.Invocation, sender);
        at += WriteVarInt(span[at..], (uint)(excluded?.Count ?? 0));
        if (excluded is not null)
        {
            foreach (var id in excluded)
            {
                at += WriteString(span[at..], id);
            }
        }

        at += WriteVarInt(span[at..], (uint)messages.Count);
        foreach (var message in messages)
        {
            at += WriteString(span[at..], message.ProtocolName);
            at += WriteVarInt(span[at..], (uint)message.Serialized.Length);
            message.Serialized.Span.CopyTo(span[at..]);
            at += message.Serialized.Length;
        }

        return at;
    }

    /// <summary>A group command envelope.</summary>
    public static byte[] WriteGroupCommand(ReadOnlySpan<byte> sender, uint id, GroupAction action, string connectionId, string groupName)
    {
        var buffer = new byte[HeaderLength + VarIntLength(id) + 1 + StringLength(connectionId) + StringLength(groupName)];
        var span = buffer.AsSpan();
        var at = WriteHeader(span, Kind.GroupCommand, sender);
        at += WriteVarInt(span[at..], id);
        span[at++] = (byte)action;
        at += WriteString(span[at..], connectionId);
        WriteString(span[at..], groupName);
        return buffer;
    }

    /// <summary>An acknowledgement envelope.</summary>
    public static byte[] WriteAck(ReadOnlySpan<byte> sender, uint id)
    {
        var buffer = new byte[HeaderLength + VarIntLength(id)];
        var at = WriteHeader(buffer, Kind.Ack, sender);
        WriteVarInt(buffer.AsSpan(at), id);
        return buffer;
    }

    /// <summary>Reads the header: the kind and whether <paramref name="self"/> sent it.</summary>
    /// <exception cref="FormatException">Too short, or a format or kind this server does not know.</exception>
    public static Kind ReadHeader(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> self, out bool fromSelf)
    {
        if (envelope.Length < HeaderLength)
        {
            throw new FormatException($"a backplane envelope of {envelope.Length} bytes is shorter than its header");
        }

        if (envelope[0] != Format)
        {
            throw new FormatException($"backplane envelope format {envelope[0]} is not known (this server reads {Format})");
        }

        var kind = (Kind)envelope[1];
        if (kind is not (Kind.Invocation or Kind.GroupCommand or Kind.Ack))
        {
            throw new FormatException($"backplane envelope kind {envelope[1]} is not known");
        }

        fromSelf = envelope.Slice(2, ServerIdLength).SequenceEqual(self);
        return kind;
    }

    /// <summary>The sender's server id of an envelope whose header was read, as its channel spells it.</summary>
    public static string Sender(ReadOnlySpan<byte> envelope) => Convert.ToHexStringLower(envelope.Slice(2, ServerIdLength));

    /// <summary>
    /// Reads an invocation: the excluded connection ids (null when none) and the serialized messages, which point into
    /// <paramref name="envelope"/> without copying.
    /// </summary>
    /// <exception cref="FormatException">The body is truncated or malformed.</exception>
    public static IReadOnlyList<SerializedMessage> ReadInvocation(ReadOnlyMemory<byte> envelope, out HashSet<string>? excluded)
    {
        var reader = new Reader(envelope, HeaderLength);
        var excludedCount = reader.Count();
        excluded = excludedCount == 0 ? null : new HashSet<string>(excludedCount, StringComparer.Ordinal);
        for (var i = 0; i < excludedCount; i++)
        {
            excluded!.Add(reader.String());
        }

        var messageCount = reader.Count();
        var messages = new SerializedMessage[messageCount];
        for (var i = 0; i < messageCount; i++)
        {
            var protocol = reader.String();
            messages[i] = new SerializedMessage(protocol, reader.Bytes());
        }

        reader.End();
        return messages;
    }

    /// <summary>Reads a group command.</summary>
    /// <exception cref="FormatException">The body is truncated or malformed.</exception>
    public static (uint Id, GroupAction Action, string ConnectionId, string GroupName) ReadGroupCommand(ReadOnlyMemory<byte> envelope)
    {
        var reader = new Reader(envelope, HeaderLength);
        var id = reader.VarInt();
        var action = (GroupAction)reader.Byte();
        if (action is not (GroupAction.Add or GroupAction.Remove))
        {
            throw new FormatException($"group action {(byte)action} is not known");
        }

        var connectionId = reader.String();
        var groupName = reader.String();
        reader.End();
        return (id, action, connectionId, groupName);
    }

    /// <summary>Reads an acknowledgement's id.</summary>
    /// <exception cref="FormatException">The body is truncated or malformed.</exception>
    public static uint ReadAck(ReadOnlyMemory<byte> envelope)
    {
        var reader = new Reader(envelope, HeaderLength);
        var id = reader.VarInt();
        reader.End();
        return id;
    }

    private static int WriteHeader(Span<byte> span, Kind kind, ReadOnlySpan<byte> sender)
    {
        span[0] = Format;
        span[1] = (byte)kind;
        sender.CopyTo(span[2..]);
        return HeaderLength;
    }

    private static int StringLength(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        return VarIntLength((uint)bytes) + bytes;
    }

    private static int WriteString(Span<byte> span, string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        var at = WriteVarInt(span, (uint)bytes);
        return at + Encoding.UTF8.GetBytes(value, span[at..]);
    }

    private static int VarIntLength(uint value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteVarInt(Span<byte> span, uint value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        return at;
    }

    /// <summary>A bounds-checked cursor over an envelope; every overrun is a <see cref="FormatException"/>.</summary>
    private struct Reader(ReadOnlyMemory<byte> memory, int start)
    {
        private int _at = start;

        public byte Byte() => _at < memory.Length ? memory.Span[_at++] : throw Truncated();

        public uint VarInt()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("a varint in a backplane envelope is longer than 5 bytes");
        }

        public int Count()
        {
            var count = VarInt();
            // Each counted item takes at least one byte, so a larger count can only be a corrupt envelope.
            return count <= (uint)(memory.Length - _at) ? (int)count : throw Truncated();
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var length = VarInt();
            if (length > (uint)(memory.Length - _at))
            {
                throw Truncated();
            }

            var bytes = memory.Slice(_at, (int)length);
            _at += (int)length;
            return bytes;
        }

        public string String() => Encoding.UTF8.GetString(Bytes().Span);

        public readonly void End()
        {
            if (_at != memory.Length)
            {
                throw new FormatException($"a backplane envelope has {memory.Length - _at} bytes after its body");
            }
        }

        private static FormatException Truncated() => new("a backplane envelope is truncated");
    }
}
