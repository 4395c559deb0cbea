using System.Text;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Server.Storage;
using LiveSync.Server.Storage.Memory;
using LiveSync.Server.Tests.Hubs;
using LiveSync.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveSync.Server.Tests.Storage;

/// <summary>The stored encoding of ops: format 2 (MessagePack) written, format 1 (JSON) still read, others refused.</summary>
public sealed class OpPayloadTests
{
    [Fact]
    public void Ops_creates_and_deletes_are_written_as_format_2_and_read_back()
    {
        var op = OpPayload.EncodeOp("[3,\"hé 👋\",{\"d\":2}]"u8);
        Assert.Equal([OpPayload.FormatMessagePack, (byte)OpKind.Op], op[..2]);
        Assert.Equal(OpKind.Op, OpPayload.KindOf(op));
        var read = OpPayload.ReadOp(op);
        Assert.Equal(3, read[0].GetInt32());
        Assert.Equal("hé 👋", read[1].GetString());
        Assert.Equal(2, read[2].GetProperty("d").GetInt32());
        Assert.Equal("hé 👋", JsonElement.Parse(OpPayload.OpJson(op))[1].GetString());

        var create = OpPayload.EncodeCreate("text", JsonElement.Parse("\"hello\""));
        Assert.Equal([OpPayload.FormatMessagePack, (byte)OpKind.Create], create[..2]);
        var spec = OpPayload.ReadCreate(create);
        Assert.Equal("text", spec.Type);
        Assert.Equal("hello", spec.Data!.Value.GetString());
        Assert.Null(OpPayload.ReadCreate(OpPayload.EncodeCreate("opaque", null)).Data);

        Assert.Equal([OpPayload.FormatMessagePack, (byte)OpKind.Delete], OpPayload.EncodeDelete());
        Assert.Equal(OpKind.Delete, OpPayload.KindOf(OpPayload.EncodeDelete()));
    }

    [Fact]
    public void A_typical_text_op_is_smaller_than_in_format_1()
    {
        // Insert an 8-character token at position 1234: the load tool's op. Format 1 would store 2 + 17 bytes.
        var json = "[1234,\"k3x0001a\"]"u8;
        var stored = OpPayload.EncodeOp(json);
        Assert.Equal(19, json.Length + 2);
        Assert.Equal(15, stored.Length);
    }

    [Fact]
    public void A_format_1_payload_still_decodes()
    {
        byte[] op = [1, 0, .. "[5,\" w\\u00f6rld\",{\"d\":1}]"u8];
        byte[] create = [1, 1, .. "{\"type\":\"text\",\"data\":\"hello\"}"u8];
        byte[] createWithoutData = [1, 1, .. "{\"type\":\"opaque\"}"u8];
        byte[] delete = [1, 2];

        Assert.Equal(OpKind.Op, OpPayload.KindOf(op));
        Assert.Equal(" wörld", OpPayload.ReadOp(op)[1].GetString());
        Assert.Equal(op[2..], OpPayload.OpJson(op).ToArray());

        var sequenced = OpPayload.ToSequencedOp(new StoredOp(2, "client-one", 1, 1, 1000, op));
        Assert.Equal(2, sequenced.V);
        Assert.Equal(1, sequenced.Op!.Value[2].GetProperty("d").GetInt32());

        Assert.Equal(OpKind.Create, OpPayload.KindOf(create));
        Assert.Equal("hello", OpPayload.ReadCreate(create).Data!.Value.GetString());
        Assert.Equal("text", OpPayload.ToSequencedOp(new StoredOp(1, "client-one", 1, 0, 1000, create)).Create!.Type);
        Assert.Null(OpPayload.ReadCreate(createWithoutData).Data);

        Assert.Equal(OpKind.Delete, OpPayload.KindOf(delete));
        Assert.True(OpPayload.ToSequencedOp(new StoredOp(3, "client-one", 2, 2, 1000, delete)).Del);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0x90 })]
    [InlineData(new byte[] { 3, 0, 0x90 })]
    [InlineData(new byte[] { 255, 0 })]
    [InlineData(new byte[] { 2, 3 })]
    [InlineData(new byte[] { 2 })]
    [InlineData(new byte[0])]
    public void An_unknown_format_or_kind_is_refused_as_unavailable(byte[] payload)
    {
        var error = Assert.Throws<LiveSyncException>(() => OpPayload.KindOf(payload));
        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Equal(ErrorCodes.Unavailable, Assert.Throws<LiveSyncException>(() => OpPayload.ReadOp(payload)).Code);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0 })] // no value
    [InlineData(new byte[] { 2, 0, 0x92, 0x05 })] // an array that claims two items and holds one
    [InlineData(new byte[] { 2, 0, 0x91, 0x05, 0x05 })] // a byte after the value
    [InlineData(new byte[] { 2, 0, 0xc1 })] // a never-used code
    [InlineData(new byte[] { 2, 0, 0xdb, 0xff, 0xff, 0xff, 0xff })] // a str32 claiming 4 GiB
    [InlineData(new byte[] { 1, 0, 0x5b, 0x35 })] // format 1, cut JSON
    public void A_malformed_body_is_unavailable_never_another_exception(byte[] payload)
    {
        Assert.Equal(ErrorCodes.Unavailable, Assert.Throws<LiveSyncException>(() => OpPayload.ReadOp(payload)).Code);
        Assert.Equal(ErrorCodes.Unavailable, Assert.Throws<LiveSyncException>(() => OpPayload.ToSequencedOp(new StoredOp(1, "client-one", 1, 0, 0, payload))).Code);
    }

    [Fact]
    public void A_create_body_without_a_type_is_unavailable()
    {
        byte[] payload = [2, 1, 0x81, 0xa4, .. "data"u8, 0xc0];
        Assert.Equal(ErrorCodes.Unavailable, Assert.Throws<LiveSyncException>(() => OpPayload.ReadCreate(payload)).Code);
    }

    [Fact]
    public async Task A_server_serves_and_extends_a_log_written_in_format_1()
    {
        // A log as a server before format 2 left it: create "hello", then " world" appended at version 1.
        const string doc = "legacy-doc";
        var log = new InMemoryOpLog();
        var appended = await log.AppendAsync(doc, 0, [
            new StoredOp(1, "old-client-1", 1, 0, 1000, Format1(1, "{\"type\":\"text\",\"data\":\"hello\"}")),
            new StoredOp(2, "old-client-1", 2, 1, 1001, Format1(0, "[5,\" world\"]")),
        ]).Within();
        Assert.Equal(AppendResult.Success(2), appended);

        await using var server = await LiveSyncTestServer.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IOpLog>(log)));
        await using var connection = await server.ConnectAsync("new-client-1");

        var opened = await connection.InvokeAsync<JsonElement>("Open", doc, null).Within();
        Assert.Equal("hello world", opened.GetProperty("data").GetString());
        Assert.Equal(2, opened.GetProperty("v").GetInt64());

        // Made against version 1, so the server must read the format-1 op at version 2 to transform past it.
        Assert.Equal(3, await LiveSyncHubTests.SubmitAsync(connection, doc, "new-client-1", 1, 1, op: "[\"¡\"]"));
        var snapshot = await connection.InvokeAsync<JsonElement>("Snapshot", doc, null).Within();
        Assert.Equal("¡hello world", snapshot.GetProperty("data").GetString());

        var ops = await connection.InvokeAsync<JsonElement>("Fetch", doc, 1, null).Within();
        Assert.Equal("text", ops[0].GetProperty("create").GetProperty("type").GetString());
        Assert.Equal(" world", ops[1].GetProperty("op")[1].GetString());
        Assert.Equal("¡", ops[2].GetProperty("op")[0].GetString());

        var stored = await log.ReadOpsAsync(doc, 1, 3, 10).Within();
        Assert.Equal([1, 1, 2], stored.Select(op => op.Payload.Span[0]));
    }

    private static byte[] Format1(byte kind, string json) => [1, kind, .. Encoding.UTF8.GetBytes(json)];
}
