using System.Text.Json;
using LiveSync.Protocol.Messages;
using LiveSync.Redis.Affinity;

namespace LiveSync.Redis.Tests.Affinity;

/// <summary>What crosses Redis between a server and a document's owner comes out as it went in.</summary>
public sealed class AffinityMessagesTests
{
    public static TheoryData<string> Submissions => new()
    {
        """{"clientId":"client-0001","seq":3,"v":7,"op":[4,"hé 👋",{"d":2}]}""",
        """{"clientId":"client-0001","seq":1,"v":0,"create":{"type":"json","data":{"a":[1,2.5,null]}}}""",
        """{"clientId":"client-0001","seq":1,"v":0,"create":{"type":"text"}}""",
        """{"clientId":"client-0001","seq":9,"v":12,"del":true}""",
        """{"clientId":"client-0001","seq":2,"v":1,"op":{"any":"opaque value","n":1e300}}""",
    };

    [Theory]
    [MemberData(nameof(Submissions))]
    public void A_forwarded_submission_round_trips(string json)
    {
        var submission = JsonSerializer.Deserialize<Submission>(json, JsonSerializerOptions.Web)!;
        var read = AffinityMessages.ReadRequest(AffinityMessages.Write(new ForwardRequest(42, "server-a", "notes:1", submission)));

        Assert.Equal(42, read.Id);
        Assert.Equal("server-a", read.From);
        Assert.Equal("notes:1", read.DocId);
        Assert.Equal(submission.ClientId, read.Submission.ClientId);
        Assert.Equal(submission.Seq, read.Submission.Seq);
        Assert.Equal(submission.V, read.Submission.V);
        Assert.Equal(submission.Del, read.Submission.Del);
        Assert.Equal(submission.Create?.Type, read.Submission.Create?.Type);

        // The same JSON values (an emoji may arrive escaped, which is the same string).
        Assert.Equal(submission.Op.HasValue, read.Submission.Op.HasValue);
        Assert.True(submission.Op is not { } op || JsonElement.DeepEquals(op, read.Submission.Op!.Value), read.Submission.Op?.GetRawText());
        Assert.Equal(submission.Create?.Data.HasValue, read.Submission.Create?.Data.HasValue);
        Assert.True(submission.Create?.Data is not { } data || JsonElement.DeepEquals(data, read.Submission.Create!.Data!.Value));
    }

    [Fact]
    public void Replies_round_trip()
    {
        Assert.Equal(new ForwardReply(1, 17, Duplicate: true), AffinityMessages.ReadReply(AffinityMessages.Write(new ForwardReply(1, 17, Duplicate: true))));
        var error = new ForwardReply(2, Code: "invalid_op", Message: "skip past the end: \"x\"");
        Assert.Equal(error, AffinityMessages.ReadReply(AffinityMessages.Write(error)));
        Assert.Equal(new ForwardReply(3, Local: true), AffinityMessages.ReadReply(AffinityMessages.Write(new ForwardReply(3, Local: true))));
    }

    [Fact]
    public void Garbage_is_a_JsonException()
    {
        Assert.ThrowsAny<JsonException>(() => AffinityMessages.ReadRequest("not json"u8));
        Assert.ThrowsAny<JsonException>(() => AffinityMessages.ReadRequest("""{"id":1,"from":"a","docId":"d","submission":{"seq":1}}"""u8));
        Assert.ThrowsAny<JsonException>(() => AffinityMessages.ReadReply("null"u8));
    }
}
