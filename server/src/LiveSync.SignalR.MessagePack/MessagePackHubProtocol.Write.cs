using System.Buffers;
using LiveSync.Protocol.MessagePack;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace LiveSync.SignalR.MessagePack;

/// <content>Writing messages.</content>
public sealed partial class MessagePackHubProtocol
{
    /// <summary>Writes a message as one length-prefixed frame.</summary>
    /// <param name="message">The message.</param>
    /// <param name="output">Where the frame goes.</param>
    /// <exception cref="InvalidOperationException">The message is of a type this protocol does not carry.</exception>
    public void WriteMessage(HubMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);

        // The length prefix comes first, so the body is written to a pooled buffer to learn its length.
        using var body = new PooledBufferWriter();
        WriteBody(message, body);
        BinaryMessageFormat.WriteLengthPrefix(body.WrittenCount, output);
        output.Write(body.WrittenSpan);
    }

    /// <summary>Writes a message as one length-prefixed frame into a new array.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The frame.</returns>
    /// <exception cref="InvalidOperationException">The message is of a type this protocol does not carry.</exception>
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var body = new PooledBufferWriter();
        WriteBody(message, body);
        var length = body.WrittenCount;
        var frame = new byte[BinaryMessageFormat.GetLengthPrefixLength(length) + length];
        var prefixLength = BinaryMessageFormat.WriteLengthPrefix(length, frame);
        body.WrittenSpan.CopyTo(frame.AsSpan(prefixLength));
        return frame;
    }

    private void WriteBody(HubMessage message, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        switch (message)
        {
            case InvocationMessage invocation:
                WriteInvocation(writer, HubProtocolConstants.InvocationMessageType, invocation);
                break;
            case StreamInvocationMessage streamInvocation:
                WriteInvocation(writer, HubProtocolConstants.StreamInvocationMessageType, streamInvocation);
                break;
            case StreamItemMessage streamItem:
                writer.WriteArrayHeader(4);
                writer.WriteInt64(HubProtocolConstants.StreamItemMessageType);
                WriteHeaders(writer, streamItem.Headers);
                writer.WriteString(streamItem.InvocationId);
                WriteValue(writer, streamItem.Item);
                break;
            case CompletionMessage completion:
                WriteCompletion(writer, completion);
                break;
            case CancelInvocationMessage cancel:
                writer.WriteArrayHeader(3);
                writer.WriteInt64(HubProtocolConstants.CancelInvocationMessageType);
                WriteHeaders(writer, cancel.Headers);
                writer.WriteString(cancel.InvocationId);
                break;
            case PingMessage:
                writer.WriteRaw(PingBody);
                break;
            case CloseMessage close:
                writer.WriteArrayHeader(3);
                writer.WriteInt64(HubProtocolConstants.CloseMessageType);
                writer.WriteString(string.IsNullOrEmpty(close.Error) ? null : close.Error);
                writer.WriteBoolean(close.AllowReconnect);
                break;
            case AckMessage ack:
                writer.WriteArrayHeader(2);
                writer.WriteInt64(HubProtocolConstants.AckMessageType);
                writer.WriteInt64(ack.SequenceId);
                break;
            case SequenceMessage sequence:
                writer.WriteArrayHeader(2);
                writer.WriteInt64(HubProtocolConstants.SequenceMessageType);
                writer.WriteInt64(sequence.SequenceId);
                break;
            default:
                throw new InvalidOperationException($"Unexpected message type: {message.GetType().Name}");
        }
    }

    // The spec fixes a Ping to exactly these bytes: [6].
    private static ReadOnlySpan<byte> PingBody => [0x91, 0x06];

    private void WriteInvocation(MessagePackWriter writer, int messageType, HubMethodInvocationMessage invocation)
    {
        writer.WriteArrayHeader(6);
        writer.WriteInt64(messageType);
        WriteHeaders(writer, invocation.Headers);
        writer.WriteString(string.IsNullOrEmpty(invocation.InvocationId) ? null : invocation.InvocationId);
        writer.WriteString(invocation.Target);

        var arguments = invocation.Arguments;
        writer.WriteArrayHeader(arguments?.Length ?? 0);
        if (arguments is not null)
        {
            foreach (var argument in arguments)
            {
                WriteValue(writer, argument);
            }
        }

        var streamIds = invocation.StreamIds;
        writer.WriteArrayHeader(streamIds?.Length ?? 0);
        if (streamIds is not null)
        {
            foreach (var streamId in streamIds)
            {
                writer.WriteString(streamId);
            }
        }
    }

    private void WriteCompletion(MessagePackWriter writer, CompletionMessage completion)
    {
        var resultKind = completion.Error is not null ? ErrorResult : completion.HasResult ? NonVoidResult : VoidResult;
        writer.WriteArrayHeader(resultKind == VoidResult ? 4 : 5);
        writer.WriteInt64(HubProtocolConstants.CompletionMessageType);
        WriteHeaders(writer, completion.Headers);
        writer.WriteString(completion.InvocationId);
        writer.WriteInt64(resultKind);
        if (resultKind == ErrorResult)
        {
            writer.WriteString(completion.Error);
        }
        else if (resultKind == NonVoidResult)
        {
            WriteValue(writer, completion.Result);
        }
    }

    private static void WriteHeaders(MessagePackWriter writer, IDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            writer.WriteMapHeader(0);
            return;
        }

        writer.WriteMapHeader(headers.Count);
        foreach (var (key, value) in headers)
        {
            writer.WriteString(key);
            writer.WriteString(value);
        }
    }
}
