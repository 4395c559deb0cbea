using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LiveSync.Protocol.Messages;
using LiveSync.SignalR.MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace LiveSync.MicroBenchmarks;

/// <summary>
/// The <c>messagepack</c> hub protocol on an <c>op</c> broadcast (a sequenced text op): written as the server sends
/// it and parsed as the .NET SDK receives it, through the JSON form of the op (the old path, the baseline) and
/// through the direct formatters.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MessagePackHubProtocolBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly OpBinder _binder = new();
    private MessagePackHubProtocol _jsonPath = null!;
    private MessagePackHubProtocol _direct = null!;
    private InvocationMessage _message = null!;
    private byte[] _frame = null!;

    [GlobalSetup]
    public void Setup()
    {
        _jsonPath = new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions()), directFormatters: false);
        _direct = new MessagePackHubProtocol(Options.Create(new MessagePackHubProtocolOptions()), directFormatters: true);
        var op = new SequencedOp
        {
            V = 123456,
            ClientId = "client-0001abcd",
            Seq = 4242,
            Op = JsonElement.Parse("[1500,{\"d\":8},\"00b0002y\"]"u8),
            Ts = 1_790_000_000_000,
        };
        _message = new InvocationMessage("op", ["notes:2025-06", op]);
        _frame = _direct.GetMessageBytes(_message).ToArray();
        if (!_frame.AsSpan().SequenceEqual(_jsonPath.GetMessageBytes(_message).Span))
        {
            throw new InvalidOperationException("The two paths write different bytes.");
        }
    }

    /// <summary>The op invocation written through the op's JSON form.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("write")]
    public int Write_op_invocation_json_path() => Write(_jsonPath);

    /// <summary>The op invocation written by the direct formatter.</summary>
    [Benchmark]
    [BenchmarkCategory("write")]
    public int Write_op_invocation_direct() => Write(_direct);

    /// <summary>The op invocation parsed through the op's JSON form.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("parse")]
    public HubMessage? Parse_op_invocation_json_path() => Parse(_jsonPath);

    /// <summary>The op invocation parsed by the direct formatter.</summary>
    [Benchmark]
    [BenchmarkCategory("parse")]
    public HubMessage? Parse_op_invocation_direct() => Parse(_direct);

    private int Write(MessagePackHubProtocol protocol)
    {
        _buffer.ResetWrittenCount();
        protocol.WriteMessage(_message, _buffer);
        return _buffer.WrittenCount;
    }

    private HubMessage? Parse(MessagePackHubProtocol protocol)
    {
        var input = new ReadOnlySequence<byte>(_frame);
        protocol.TryParseMessage(ref input, _binder, out var message);
        return message;
    }

    // What the SDK's HubConnection binds "op" to: (string docId, SequencedOp op).
    private sealed class OpBinder : IInvocationBinder
    {
        private static readonly Type[] s_parameters = [typeof(string), typeof(SequencedOp)];

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => s_parameters;

        public Type GetReturnType(string invocationId) => throw new KeyNotFoundException(invocationId);

        public Type GetStreamItemType(string streamId) => throw new KeyNotFoundException(streamId);

        public string? GetTarget(ReadOnlySpan<byte> utf8Bytes) => utf8Bytes.SequenceEqual("op"u8) ? "op" : null;
    }
}
