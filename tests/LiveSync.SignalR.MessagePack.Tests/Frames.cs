using System.Buffers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace LiveSync.SignalR.MessagePack.Tests;

/// <summary>Helpers to frame, write and parse messages.</summary>
internal static class Frames
{
    public static readonly MessagePackHubProtocol Codec = new();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>A body with its VarInt length prefix.</summary>
    public static byte[] Frame(byte[] body)
    {
        var prefix = new byte[BinaryMessageFormat.MaxLengthPrefixSize];
        var length = BinaryMessageFormat.WriteLengthPrefix(body.Length, prefix);
        return [.. prefix.AsSpan(0, length), .. body];
    }

    /// <summary>The body of the one frame <paramref name="message"/> is written as.</summary>
    public static byte[] WriteBody(HubMessage message)
    {
        var output = new ArrayBufferWriter<byte>();
        Codec.WriteMessage(message, output);
        var frame = output.WrittenMemory;
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.True(BinaryMessageFormat.TryParseMessage(ref sequence, out var body));
        Assert.True(sequence.IsEmpty);
        Assert.Equal(frame.ToArray(), Codec.GetMessageBytes(message).ToArray());
        return body.ToArray();
    }

    public static HubMessage ParseBody(byte[] body, IInvocationBinder binder) => ParseFrame(Frame(body), binder);

    public static HubMessage ParseFrame(byte[] frame, IInvocationBinder binder)
    {
        var input = new ReadOnlySequence<byte>(frame);
        Assert.True(Codec.TryParseMessage(ref input, binder, out var message));
        Assert.True(input.IsEmpty);
        return message;
    }
}
