using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LiveSync.SignalR.MessagePack.Tests.Frames;

namespace LiveSync.SignalR.MessagePack.Tests;

public sealed class MessagePackHubProtocolTests
{
    private static readonly Type[] s_allTypes =
    [
        typeof(JsonElement), typeof(string), typeof(bool), typeof(int), typeof(long), typeof(double), typeof(int?),
        typeof(byte[]), typeof(Submission), typeof(object), typeof(DateTime), typeof(short), typeof(JsonElement?),
    ];

    private static readonly TestBinder s_binder = new(
        parameters: new() { ["All"] = s_allTypes, ["One"] = [typeof(int)], ["Submit"] = [typeof(string), typeof(Submission)] },
        returns: new() { ["r1"] = typeof(Submission) },
        streamItems: new() { ["s1"] = typeof(int) });

    [Fact]
    public void Name_version_and_format_match_the_official_protocol()
    {
        Assert.Equal("messagepack", Codec.Name);
        Assert.Equal(2, Codec.Version);
        Assert.Equal(Microsoft.AspNetCore.Connections.TransferFormat.Binary, Codec.TransferFormat);
        Assert.True(Codec.IsVersionSupported(1));
        Assert.True(Codec.IsVersionSupported(2));
        Assert.False(Codec.IsVersionSupported(3));
    }

    [Fact]
    public void Arguments_bind_to_every_supported_type()
    {
        var time = new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        object?[] arguments =
        [
            JsonElement.Parse("""{"p":[1],"oi":"x"}"""), "héllo👋", true, int.MinValue, long.MaxValue, 0.5, null,
            new byte[] { 9, 8 }, new Submission { ClientId = "client-1", Seq = 2, V = 3, Del = true },
            JsonElement.Parse("[1,2]"), time, (short)-5, null,
        ];
        var message = Assert.IsType<InvocationMessage>(ParseBody(WriteBody(new InvocationMessage("i1", "All", arguments)), s_binder));
        var bound = message.Arguments;
        Assert.Equal("""{"p":[1],"oi":"x"}""", ((JsonElement)bound[0]!).GetRawText());
        Assert.Equal(arguments[1..8], bound[1..8]);
        Assert.Equal(arguments[8], bound[8]);
        Assert.Equal("[1,2]", ((JsonElement)bound[9]!).GetRawText());
        Assert.Equal(time, bound[10]);
        Assert.Equal((short)-5, bound[11]);
        Assert.Null(bound[12]);
    }

    [Fact]
    public void Records_are_written_camelCase_without_nulls()
    {
        var submission = new Submission { ClientId = "c", Seq = 1, V = 0, Op = JsonElement.Parse("[1]") };
        var body = WriteBody(new InvocationMessage("Submit", ["d", submission]));
        var reader = new MessagePackReader(body);
        reader.ReadArrayHeader();
        for (var i = 0; i < 4; i++)
        {
            reader.Skip();
        }

        var arguments = MessagePackJson.ReadJsonElement(ref reader);
        Assert.Equal("""["d",{"clientId":"c","seq":1,"v":0,"op":[1]}]""", arguments.GetRawText());
    }

    [Theory]
    [InlineData("a161")]     // a string for an int
    [InlineData("cb3ff8000000000000")] // a float for an int
    [InlineData("ce80000000")] // beyond int
    [InlineData("c0")]       // nil for int
    public void A_value_of_the_wrong_type_is_a_binding_failure(string argumentHex)
    {
        var body = Hex("96 01 80 a2 6964 a3 4f6e65 91" + argumentHex + "90");
        var failure = Assert.IsType<InvocationBindingFailureMessage>(ParseBody(body, s_binder));
        Assert.Equal("id", failure.InvocationId);
        Assert.Equal("One", failure.Target);
        Assert.IsType<InvalidDataException>(failure.BindingFailure.SourceException);
    }

    [Fact]
    public void Unknown_method_and_wrong_argument_count_are_binding_failures()
    {
        var unknown = Assert.IsType<InvocationBindingFailureMessage>(ParseBody(WriteBody(new InvocationMessage("id", "Nope", [1])), s_binder));
        Assert.IsType<HubException>(unknown.BindingFailure.SourceException);

        var count = Assert.IsType<InvocationBindingFailureMessage>(ParseBody(WriteBody(new InvocationMessage("id", "One", [1, 2])), s_binder));
        Assert.Contains("2 argument(s)", count.BindingFailure.SourceException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_items_and_results_that_do_not_bind()
    {
        var item = Assert.IsType<StreamBindingFailureMessage>(ParseBody(WriteBody(new StreamItemMessage("s1", "text")), s_binder));
        Assert.Equal("s1", item.Id);

        var result = Assert.IsType<CompletionMessage>(ParseBody(WriteBody(CompletionMessage.WithResult("r1", 5)), s_binder));
        Assert.False(result.HasResult);
        Assert.StartsWith("Error trying to deserialize result to Submission.", result.Error, StringComparison.Ordinal);

        // A result for an invocation nobody waits for is read past.
        var unknown = Assert.IsType<CompletionMessage>(ParseBody(WriteBody(CompletionMessage.WithResult("other", new[] { 1, 2 })), s_binder));
        Assert.Null(unknown.Result);
    }

    [Fact]
    public void Unknown_message_types_are_skipped()
    {
        byte[] input = [.. Frame(Hex("93 63 80 a1 78")), .. Frame(Hex("91 06"))];
        var sequence = new ReadOnlySequence<byte>(input);
        Assert.True(Codec.TryParseMessage(ref sequence, s_binder, out var message));
        Assert.Same(PingMessage.Instance, message);
        Assert.True(sequence.IsEmpty);

        var onlyUnknown = new ReadOnlySequence<byte>(Frame(Hex("91 0a")));
        Assert.False(Codec.TryParseMessage(ref onlyUnknown, s_binder, out _));
        Assert.True(onlyUnknown.IsEmpty);
    }

    [Fact]
    public void Partial_frames_wait_for_more_data()
    {
        var frame = Codec.GetMessageBytes(new InvocationMessage("id", "One", [300])).ToArray();
        for (var length = 0; length < frame.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(frame, 0, length);
            Assert.False(Codec.TryParseMessage(ref partial, s_binder, out _));
            Assert.Equal(length, partial.Length);
        }

        var two = new ReadOnlySequence<byte>([.. frame, .. frame]);
        Assert.True(Codec.TryParseMessage(ref two, s_binder, out _));
        Assert.True(Codec.TryParseMessage(ref two, s_binder, out _));
        Assert.False(Codec.TryParseMessage(ref two, s_binder, out _));
    }

    [Theory]
    [InlineData("90")]                      // no type
    [InlineData("01")]                      // not an array
    [InlineData("92 01 80")]                // an invocation missing its items
    [InlineData("95 01 80 c0 a0 90")]       // an empty target
    [InlineData("94 03 80 a1 78 07")]       // an unknown result kind
    [InlineData("94 03 80 a1 78 03")]       // a result kind with no result
    [InlineData("93 05 80 c0")]             // a cancel with no id
    [InlineData("94 02 80 c0 01")]          // a stream item with no id
    [InlineData("95 01 81 a1 78 c0 c0 a3 4f6e65 91 01")] // a nil header value
    [InlineData("")]                        // an empty frame
    public void Malformed_messages_are_InvalidDataException(string hex)
    {
        var input = new ReadOnlySequence<byte>(Frame(Hex(hex)));
        Assert.Throws<InvalidDataException>(() => Codec.TryParseMessage(ref input, s_binder, out _));
    }

    [Fact]
    public void Server_registration_adds_the_protocol_and_its_options()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddLiveSyncMessagePackProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = null);
        using var provider = services.BuildServiceProvider();
        Assert.Contains(provider.GetServices<IHubProtocol>(), p => p is MessagePackHubProtocol);
        Assert.Null(provider.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>().Value.PayloadSerializerOptions.PropertyNamingPolicy);
    }

    [Fact]
    public void Client_registration_adds_the_protocol()
    {
        var builder = new HubConnectionBuilder().AddLiveSyncMessagePackProtocol();
        using var provider = builder.Services.BuildServiceProvider();
        Assert.Contains(provider.GetServices<IHubProtocol>(), p => p is MessagePackHubProtocol);
    }

    [Fact]
    public void An_op_broadcast_in_json_and_messagepack()
    {
        var op = new SequencedOp
        {
            V = 42,
            ClientId = "k2H9xQ_7ab",
            Seq = 17,
            Op = JsonElement.Parse("""[12,"héllo👋",{"d":2}]"""),
            Ts = 1_750_000_000_000,
        };
        var message = new InvocationMessage("op", ["notes:2025-06", op]);
        var json = new JsonHubProtocol(Options.Create(new JsonHubProtocolOptions())).GetMessageBytes(message).ToArray();
        var messagePack = Codec.GetMessageBytes(message).ToArray();
        Assert.True(messagePack.Length < json.Length);
        Console.WriteLine($"json ({json.Length} bytes): {System.Text.Encoding.UTF8.GetString(json)}");
        Console.WriteLine($"messagepack ({messagePack.Length} bytes): {ToHex(messagePack)}");
    }
}
