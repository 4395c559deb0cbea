using System.Buffers;
using Microsoft.AspNetCore.SignalR.Protocol;
using static LiveSync.SignalR.MessagePack.Tests.Frames;

namespace LiveSync.SignalR.MessagePack.Tests;

/// <summary>The byte examples of the MessagePack section of ASP.NET Core's HubProtocol.md, both ways.</summary>
public sealed class SpecExampleTests
{
    private static readonly TestBinder s_binder = new(
        parameters: new() { ["method"] = [typeof(int)] },
        returns: new() { ["xyz"] = typeof(int) },
        streamItems: new() { ["xyz"] = typeof(int) });

    [Fact]
    public void Invocation()
    {
        var body = Hex("96 01 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90");
        var message = Assert.IsType<InvocationMessage>(ParseBody(body, s_binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal("method", message.Target);
        Assert.Equal([42], message.Arguments);
        Assert.Null(message.StreamIds);
        Assert.Null(message.Headers);
        Assert.Equal(body, WriteBody(new InvocationMessage("xyz", "method", [42])));
    }

    [Fact]
    public void NonBlockingInvocation()
    {
        var body = Hex("96 01 80 c0 a6 6d 65 74 68 6f 64 91 2a 90");
        var message = Assert.IsType<InvocationMessage>(ParseBody(body, s_binder));
        Assert.Null(message.InvocationId);
        Assert.Equal(body, WriteBody(new InvocationMessage("method", [42])));
    }

    [Fact]
    public void StreamInvocation()
    {
        var body = Hex("96 04 80 a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90");
        var message = Assert.IsType<StreamInvocationMessage>(ParseBody(body, s_binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal([42], message.Arguments);
        Assert.Equal(body, WriteBody(new StreamInvocationMessage("xyz", "method", [42])));
    }

    [Fact]
    public void StreamItem()
    {
        var body = Hex("94 02 80 a3 78 79 7a 2a");
        var message = Assert.IsType<StreamItemMessage>(ParseBody(body, s_binder));
        Assert.Equal(42, message.Item);
        Assert.Equal(body, WriteBody(new StreamItemMessage("xyz", 42)));
    }

    [Fact]
    public void CompletionWithError()
    {
        var body = Hex("95 03 80 a3 78 79 7a 01 a5 45 72 72 6f 72");
        var message = Assert.IsType<CompletionMessage>(ParseBody(body, s_binder));
        Assert.Equal("Error", message.Error);
        Assert.False(message.HasResult);
        Assert.Equal(body, WriteBody(CompletionMessage.WithError("xyz", "Error")));
    }

    [Fact]
    public void CompletionVoid()
    {
        var body = Hex("94 03 80 a3 78 79 7a 02");
        var message = Assert.IsType<CompletionMessage>(ParseBody(body, s_binder));
        Assert.Null(message.Error);
        Assert.False(message.HasResult);
        Assert.Equal(body, WriteBody(CompletionMessage.Empty("xyz")));
    }

    [Fact]
    public void CompletionWithResult()
    {
        var body = Hex("95 03 80 a3 78 79 7a 03 2a");
        var message = Assert.IsType<CompletionMessage>(ParseBody(body, s_binder));
        Assert.True(message.HasResult);
        Assert.Equal(42, message.Result);
        Assert.Equal(body, WriteBody(CompletionMessage.WithResult("xyz", 42)));
    }

    [Fact]
    public void CancelInvocation()
    {
        var body = Hex("93 05 80 a3 78 79 7a");
        var message = Assert.IsType<CancelInvocationMessage>(ParseBody(body, s_binder));
        Assert.Equal("xyz", message.InvocationId);
        Assert.Equal(body, WriteBody(new CancelInvocationMessage("xyz")));
    }

    [Fact]
    public void Ping()
    {
        Assert.Same(PingMessage.Instance, ParseBody(Hex("91 06"), s_binder));
        Assert.Equal(Hex("91 06"), WriteBody(PingMessage.Instance));
    }

    [Fact]
    public void Close()
    {
        var message = Assert.IsType<CloseMessage>(ParseBody(Hex("92 07 a3 78 79 7a"), s_binder));
        Assert.Equal("xyz", message.Error);
        Assert.False(message.AllowReconnect);

        // Written, AllowReconnect is always present, as the official .NET protocol writes it.
        Assert.Equal(Hex("93 07 a3 78 79 7a c2"), WriteBody(new CloseMessage("xyz")));
    }

    [Fact]
    public void CloseAllowingReconnect()
    {
        var body = Hex("93 07 a3 78 79 7a c3");
        var message = Assert.IsType<CloseMessage>(ParseBody(body, s_binder));
        Assert.Equal("xyz", message.Error);
        Assert.True(message.AllowReconnect);
        Assert.Equal(body, WriteBody(new CloseMessage("xyz", allowReconnect: true)));
    }

    [Fact]
    public void Ack()
    {
        var message = Assert.IsType<AckMessage>(ParseBody(Hex("92 08 cc 24"), s_binder));
        Assert.Equal(36, message.SequenceId);

        // "any unsigned int size is fine": the writer uses the shortest.
        Assert.Equal(Hex("92 08 24"), WriteBody(new AckMessage(36)));
    }

    [Fact]
    public void Sequence()
    {
        var message = Assert.IsType<SequenceMessage>(ParseBody(Hex("92 09 cc 13"), s_binder));
        Assert.Equal(19, message.SequenceId);
        Assert.Equal(Hex("92 09 13"), WriteBody(new SequenceMessage(19)));
    }

    [Fact]
    public void Headers()
    {
        var body = Hex("96 01 82 a1 78 a1 79 a1 7a a1 7a a3 78 79 7a a6 6d 65 74 68 6f 64 91 2a 90");
        var message = Assert.IsType<InvocationMessage>(ParseBody(body, s_binder));
        Assert.Equal(new Dictionary<string, string> { ["x"] = "y", ["z"] = "z" }, message.Headers);
        Assert.Equal(body, WriteBody(new InvocationMessage("xyz", "method", [42]) { Headers = new Dictionary<string, string> { ["x"] = "y", ["z"] = "z" } }));
    }

    [Theory]
    [InlineData("35", 53)]
    [InlineData("8029", 5248)]
    [InlineData("ffffffff07", int.MaxValue)]
    [InlineData("00", 0)]
    [InlineData("7f", 127)]
    [InlineData("8001", 128)]
    public void VarInt_length_prefix(string hex, int length)
    {
        var prefix = new byte[5];
        var written = BinaryMessageFormat.WriteLengthPrefix(length, prefix);
        Assert.Equal(hex, ToHex(prefix.AsSpan(0, written)));
        Assert.Equal(written, BinaryMessageFormat.GetLengthPrefixLength(length));
    }

    [Fact]
    public void Binary_framing_example()
    {
        var input = new ReadOnlySequence<byte>([0x0b, .. "Hello\nWorld"u8, 0x02, 0x01, 0x02]);
        Assert.True(BinaryMessageFormat.TryParseMessage(ref input, out var first));
        Assert.Equal("Hello\nWorld"u8.ToArray(), first.ToArray());
        Assert.True(BinaryMessageFormat.TryParseMessage(ref input, out var second));
        Assert.Equal(new byte[] { 1, 2 }, second.ToArray());
        Assert.False(BinaryMessageFormat.TryParseMessage(ref input, out _));
    }

    [Theory]
    [InlineData("ffffffff08")]   // above 2 GB - 1
    [InlineData("ffffffff80")]   // a sixth byte would follow
    public void Oversized_length_prefixes_are_InvalidDataException(string hex)
    {
        Assert.Throws<InvalidDataException>(() =>
        {
            var input = new ReadOnlySequence<byte>(Hex(hex));
            BinaryMessageFormat.TryParseMessage(ref input, out _);
        });
    }
}
