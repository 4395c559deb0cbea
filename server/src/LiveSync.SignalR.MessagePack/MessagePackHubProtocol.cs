using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using LiveSync.Protocol.MessagePack;
using LiveSync.SignalR.MessagePack.Formatters;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace LiveSync.SignalR.MessagePack;

/// <summary>
/// SignalR's <c>messagepack</c> hub protocol (version 2), byte for byte as specified in ASP.NET Core's
/// <c>src/SignalR/docs/specs/HubProtocol.md</c> and spoken by <c>@microsoft/signalr-protocol-msgpack</c> and
/// <c>Microsoft.AspNetCore.SignalR.Protocols.MessagePack</c>, over LiveSync's own MessagePack codec.
/// </summary>
/// <remarks>
/// <para>Wire format: each message is one frame, <c>[VarInt length][body]</c> (see <see cref="BinaryMessageFormat"/>),
/// whose body is one MessagePack array led by the message type:</para>
/// <code>
/// Invocation        [1, Headers, InvocationId | nil, Target, [Arguments], [StreamIds]]   (StreamIds optional on reading)
/// StreamItem        [2, Headers, InvocationId, Item]
/// Completion        [3, Headers, InvocationId, 1, Error] | [3, Headers, InvocationId, 2] | [3, Headers, InvocationId, 3, Result]
/// StreamInvocation  [4, Headers, InvocationId, Target, [Arguments], [StreamIds]]
/// CancelInvocation  [5, Headers, InvocationId]
/// Ping              [6]                                   (always exactly 0x91 0x06)
/// Close             [7, Error | nil, AllowReconnect]      (AllowReconnect optional on reading)
/// Ack               [8, SequenceId]
/// Sequence          [9, SequenceId]
/// </code>
/// <para><c>Headers</c> is a map of string to string (<c>0x80</c> when empty). Items beyond those listed are ignored
/// and a message of an unknown type is skipped, so newer peers can extend the protocol. Values (arguments, items,
/// results) are mapped as described on <see cref="MessagePackJson"/>: primitives, byte arrays (bin), DateTime
/// (timestamp) and <see cref="JsonElement"/> directly, anything else through its System.Text.Json form with
/// <see cref="MessagePackHubProtocolOptions.PayloadSerializerOptions"/>. LiveSync's own message types
/// (<c>SequencedOp</c>, <c>Submission</c>, the results) are written and read directly, in the very bytes their JSON
/// form gives, while those options keep their defaults.</para>
/// </remarks>
public sealed partial class MessagePackHubProtocol : IHubProtocol
{
    private const string ProtocolName = "messagepack";
    private const int ProtocolVersion = 2;

    private const int ErrorResult = 1;
    private const int VoidResult = 2;
    private const int NonVoidResult = 3;

    private readonly JsonSerializerOptions _serializerOptions;

    // Whether LiveSync's message types are written and read by their direct formatters rather than through their
    // JSON form: the same bytes without serializing to JSON and transcoding it, on every op broadcast.
    private readonly bool _directFormatters;

    /// <summary>Creates the protocol with the default options.</summary>
    public MessagePackHubProtocol()
        : this(Options.Create(new MessagePackHubProtocolOptions()))
    {
    }

    /// <summary>Creates the protocol with the given options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public MessagePackHubProtocol(IOptions<MessagePackHubProtocolOptions> options)
        : this(options, directFormatters: true)
    {
    }

    /// <summary>Creates the protocol, with the direct formatters of LiveSync's message types or without them.</summary>
    /// <param name="options">The options.</param>
    /// <param name="directFormatters">False to map every value through its JSON form (tests and benchmarks compare
    /// the two); true uses the formatters when <see cref="LiveSyncFormatters.Supports"/> allows them.</param>
    internal MessagePackHubProtocol(IOptions<MessagePackHubProtocolOptions> options, bool directFormatters)
    {
        ArgumentNullException.ThrowIfNull(options);
        _serializerOptions = options.Value.PayloadSerializerOptions;
        _directFormatters = directFormatters && LiveSyncFormatters.Supports(_serializerOptions);
    }

    /// <summary>Whether LiveSync's message types bypass their JSON form.</summary>
    internal bool UsesDirectFormatters => _directFormatters;

    /// <summary>The protocol's name in the handshake: <c>messagepack</c>.</summary>
    public string Name => ProtocolName;

    /// <summary>The protocol's version: 2, as the official .NET and JavaScript implementations report it.</summary>
    public int Version => ProtocolVersion;

    /// <summary>Binary: the transport must carry bytes as they are.</summary>
    public TransferFormat TransferFormat => TransferFormat.Binary;

    /// <summary>True for every version up to <see cref="Version"/>: version 2 added nothing version 1 peers send differently.</summary>
    /// <param name="version">The version the peer asked for in the handshake.</param>
    /// <returns>Whether this protocol speaks it.</returns>
    public bool IsVersionSupported(int version) => version <= Version;

    /// <summary>
    /// Parses the next message from <paramref name="input"/>, skipping frames of unknown message types.
    /// </summary>
    /// <param name="input">The received bytes; advanced past every frame consumed.</param>
    /// <param name="binder">Gives the types to read arguments, stream items and results as.</param>
    /// <param name="message">The message; an <see cref="InvocationBindingFailureMessage"/> or
    /// <see cref="StreamBindingFailureMessage"/> when its values do not fit the binder's types.</param>
    /// <returns>True with a message; false when <paramref name="input"/> holds no complete frame of a known type (wait for more data).</returns>
    /// <exception cref="InvalidDataException">A frame is malformed; the connection cannot go on.</exception>
    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        ArgumentNullException.ThrowIfNull(binder);
        while (BinaryMessageFormat.TryParseMessage(ref input, out var payload))
        {
            var reader = new MessagePackReader(payload);
            message = ParseMessage(ref reader, binder);
            if (message is not null)
            {
                return true;
            }

            // A message type from a newer peer: its frame is consumed, go on to the next one.
        }

        message = null;
        return false;
    }

    private HubMessage? ParseMessage(ref MessagePackReader reader, IInvocationBinder binder)
    {
        var itemCount = reader.ReadArrayHeader();
        if (itemCount == 0)
        {
            throw new InvalidDataException("A message is an empty array; it must start with its type.");
        }

        var messageType = reader.ReadInt32();
        return messageType switch
        {
            HubProtocolConstants.InvocationMessageType => ParseInvocation(ref reader, binder, itemCount, streaming: false),
            HubProtocolConstants.StreamInvocationMessageType => ParseInvocation(ref reader, binder, itemCount, streaming: true),
            HubProtocolConstants.StreamItemMessageType => ParseStreamItem(ref reader, binder, itemCount),
            HubProtocolConstants.CompletionMessageType => ParseCompletion(ref reader, binder, itemCount),
            HubProtocolConstants.CancelInvocationMessageType => ParseCancelInvocation(ref reader, itemCount),
            HubProtocolConstants.PingMessageType => PingMessage.Instance,
            HubProtocolConstants.CloseMessageType => ParseClose(ref reader, itemCount),
            HubProtocolConstants.AckMessageType => new AckMessage(ReadSequenceId(ref reader, itemCount, "Ack")),
            HubProtocolConstants.SequenceMessageType => new SequenceMessage(ReadSequenceId(ref reader, itemCount, "Sequence")),
            _ => null,
        };
    }

    private HubMessage ParseInvocation(ref MessagePackReader reader, IInvocationBinder binder, int itemCount, bool streaming)
    {
        var kind = streaming ? "StreamInvocation" : "Invocation";
        RequireItems(itemCount, 5, kind);
        var headers = ReadHeaders(ref reader);

        // An empty invocation id means none, as nil does: a non-blocking invocation.
        var invocationId = reader.ReadString();
        if (string.IsNullOrEmpty(invocationId))
        {
            if (streaming)
            {
                throw new InvalidDataException("A StreamInvocation message needs an invocation id.");
            }

            invocationId = null;
        }

        var target = ReadTarget(ref reader, binder);
        object?[] arguments;
        try
        {
            var parameterTypes = binder.GetParameterTypes(target);
            arguments = BindArguments(ref reader, parameterTypes);
        }
        catch (Exception ex)
        {
            return new InvocationBindingFailureMessage(invocationId, target, ExceptionDispatchInfo.Capture(ex));
        }

        var streamIds = itemCount > 5 ? ReadStreamIds(ref reader) : null;
        HubMethodInvocationMessage message = streaming
            ? new StreamInvocationMessage(invocationId!, target, arguments, streamIds)
            : new InvocationMessage(invocationId, target, arguments, streamIds);
        message.Headers = headers;
        return message;
    }

    private HubMessage ParseStreamItem(ref MessagePackReader reader, IInvocationBinder binder, int itemCount)
    {
        RequireItems(itemCount, 4, "StreamItem");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredInvocationId(ref reader, "StreamItem");
        object? item;
        try
        {
            var itemType = binder.GetStreamItemType(invocationId);
            item = ReadValue(ref reader, itemType);
        }
        catch (Exception ex)
        {
            return new StreamBindingFailureMessage(invocationId, ExceptionDispatchInfo.Capture(ex));
        }

        return new StreamItemMessage(invocationId, item) { Headers = headers };
    }

    private CompletionMessage ParseCompletion(ref MessagePackReader reader, IInvocationBinder binder, int itemCount)
    {
        RequireItems(itemCount, 4, "Completion");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredInvocationId(ref reader, "Completion");
        var resultKind = reader.ReadInt32();
        string? error = null;
        object? result = null;
        var hasResult = false;
        switch (resultKind)
        {
            case ErrorResult:
                RequireItems(itemCount, 5, "Completion with an error");
                error = reader.ReadString() ?? throw new InvalidDataException("A Completion message's error must be a string.");
                break;
            case VoidResult:
                break;
            case NonVoidResult:
                RequireItems(itemCount, 5, "Completion with a result");
                hasResult = true;
                var resultType = TryGetReturnType(binder, invocationId);
                if (resultType is null)
                {
                    // Nobody waits for this result (the invocation is unknown): read past it.
                    reader.Skip();
                    break;
                }

                try
                {
                    result = ReadValue(ref reader, resultType);
                }
                catch (Exception ex)
                {
                    error = $"Error trying to deserialize result to {resultType.Name}. {ex.Message}";
                    hasResult = false;
                }

                break;
            default:
                throw new InvalidDataException($"Invalid invocation result kind {resultKind}.");
        }

        return new CompletionMessage(invocationId, error, result, hasResult) { Headers = headers };
    }

    private static CancelInvocationMessage ParseCancelInvocation(ref MessagePackReader reader, int itemCount)
    {
        RequireItems(itemCount, 3, "CancelInvocation");
        var headers = ReadHeaders(ref reader);
        var invocationId = ReadRequiredInvocationId(ref reader, "CancelInvocation");
        return new CancelInvocationMessage(invocationId) { Headers = headers };
    }

    private static CloseMessage ParseClose(ref MessagePackReader reader, int itemCount)
    {
        RequireItems(itemCount, 2, "Close");
        var error = reader.ReadString();
        var allowReconnect = itemCount > 2 && reader.ReadBoolean();

        // An empty string is still an error.
        return error is null && !allowReconnect ? CloseMessage.Empty : new CloseMessage(error, allowReconnect);
    }

    private static long ReadSequenceId(ref MessagePackReader reader, int itemCount, string kind)
    {
        RequireItems(itemCount, 2, kind);
        return reader.ReadInt64();
    }

    private object?[] BindArguments(ref MessagePackReader reader, IReadOnlyList<Type> parameterTypes)
    {
        var argumentCount = reader.ReadArrayHeader();
        if (argumentCount != parameterTypes.Count)
        {
            throw new InvalidDataException($"Invocation provides {argumentCount} argument(s) but target expects {parameterTypes.Count}.");
        }

        try
        {
            var arguments = argumentCount == 0 ? [] : new object?[argumentCount];
            for (var i = 0; i < argumentCount; i++)
            {
                arguments[i] = ReadValue(ref reader, parameterTypes[i]);
            }

            return arguments;
        }
        catch (Exception ex)
        {
            throw new InvalidDataException("Error binding arguments. Make sure that the types of the provided values match the types of the hub method being invoked.", ex);
        }
    }

    private static Dictionary<string, string>? ReadHeaders(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        if (count == 0)
        {
            return null;
        }

        // The reader bounds count by the bytes present, so this capacity is no larger than the frame.
        var headers = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString() ?? throw new InvalidDataException("A header name must be a string.");
            headers[key] = reader.ReadString() ?? throw new InvalidDataException("A header value must be a string.");
        }

        return headers;
    }

    private static string[]? ReadStreamIds(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return null;
        }

        var streamIds = new string[count];
        for (var i = 0; i < count; i++)
        {
            streamIds[i] = reader.ReadString() ?? throw new InvalidDataException("A stream id must be a string.");
        }

        return streamIds;
    }

    private static string ReadRequiredInvocationId(ref MessagePackReader reader, string kind)
    {
        var invocationId = reader.ReadString();
        return string.IsNullOrEmpty(invocationId)
            ? throw new InvalidDataException($"A {kind} message needs an invocation id.")
            : invocationId;
    }

    private static string ReadTarget(ref MessagePackReader reader, IInvocationBinder binder)
    {
        var bytes = reader.ReadStringSequence();
        if (bytes is not { IsEmpty: false } utf8)
        {
            throw new InvalidDataException("An invocation's target must be a non-empty string.");
        }

        if (utf8.IsSingleSegment)
        {
            // The binder hands back its own string for a known method name, so the common case allocates nothing.
            var span = utf8.FirstSpan;
            return binder.GetTarget(span) ?? DecodeTarget(span);
        }

        return DecodeTarget(utf8.ToArray());
    }

    private static string DecodeTarget(ReadOnlySpan<byte> utf8) =>
        Utf8.IsValid(utf8)
            ? Encoding.UTF8.GetString(utf8)
            : throw new InvalidDataException("An invocation's target is not well-formed UTF-8.");

    private static Type? TryGetReturnType(IInvocationBinder binder, string invocationId)
    {
        try
        {
            return binder.GetReturnType(invocationId);
        }
        catch (Exception)
        {
            // The binder throws for an invocation it does not know; the result then has nowhere to go.
            return null;
        }
    }

    private static void RequireItems(int itemCount, int required, string kind)
    {
        if (itemCount < required)
        {
            throw new InvalidDataException($"A {kind} message has {itemCount} items; it needs at least {required}.");
        }
    }
}
