using LiveSync.Protocol.Ot;
using LiveSync.Redis.Resp;
using LiveSync.Redis.Storage;
using LiveSync.Server.Storage;

namespace LiveSync.Redis.Tests.Infrastructure;

/// <summary>Reads a document's stream straight from Redis and checks what every Redis test checks of it.</summary>
internal static class StreamLog
{
    /// <summary>Every entry of the document's stream, in order, read in pages.</summary>
    public static async Task<List<StoredOp>> ReadAllAsync(RespConnection redis, string docId, string prefix = "livesync:")
    {
        var key = new RedisKeys(prefix).Ops(docId);
        var all = new List<StoredOp>();
        var from = "-";
        for (var page = 0; page < 10_000; page++)
        {
            var reply = await redis.ExecuteAsync("XRANGE", key, from, "+", "COUNT", 500).Within();
            if (reply.Length == 0)
            {
                break;
            }

            foreach (var entry in reply.Elements.Span)
            {
                Assert.True(RedisRecords.TryParseEntry(entry, out var op, out _), $"entry {entry} is not LiveSync's");
                all.Add(op);
            }

            from = "(" + RedisKeys.EntryId(all[^1].V);
        }

        return all;
    }

    /// <summary>
    /// Asserts the stream holds versions 1..V with no gap or duplicate, each (clientId, seq) once, and every
    /// acknowledged (clientId, seq, v) exactly at its version. Returns V.
    /// </summary>
    public static long AssertWhole(List<StoredOp> stream, IEnumerable<(string ClientId, long Seq, long V)> acknowledged)
    {
        for (var i = 0; i < stream.Count; i++)
        {
            Assert.Equal(i + 1, stream[i].V);
        }

        var bySubmission = new Dictionary<(string, long), long>();
        foreach (var op in stream)
        {
            Assert.True(bySubmission.TryAdd((op.ClientId, op.Seq), op.V), $"({op.ClientId}, {op.Seq}) is stored twice");
        }

        foreach (var (clientId, seq, v) in acknowledged)
        {
            Assert.True(bySubmission.TryGetValue((clientId, seq), out var stored), $"acknowledged ({clientId}, {seq}) at v {v} is not stored");
            Assert.Equal(v, stored);
        }

        return stream.Count;
    }

    /// <summary>The text a replay of the whole log produces.</summary>
    public static string ReplayText(List<StoredOp> stream)
    {
        var text = (string?)null;
        foreach (var op in stream)
        {
            switch (OpPayload.KindOf(op.Payload.Span))
            {
                case OpKind.Create:
                    text = TextType.Instance.Create(OpPayload.ReadCreate(op.Payload.Span).Data);
                    break;
                case OpKind.Delete:
                    text = null;
                    break;
                default:
                    var parsed = TextType.Instance.Parse(System.Text.Json.JsonElement.Parse(OpPayload.OpJson(op.Payload.Span)));
                    text = TextType.Instance.Apply(text!, parsed);
                    break;
            }
        }

        return text ?? "";
    }
}
