using System.Text.Encodings.Web;
using System.Text.Json;
using LiveSync.Protocol.Messages;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// A submission forwarded to its document's owner: published on the owner's <see cref="AffinityKeys.Submissions"/>
/// channel, answered with a <see cref="ForwardReply"/> of the same <see cref="Id"/> on the sender's
/// <see cref="AffinityKeys.Replies"/> channel. The submission is in the wire contract's JSON form.
/// </summary>
/// <param name="Id">Unique among the sender's forwards.</param>
/// <param name="From">The sender's server id.</param>
/// <param name="DocId">The document.</param>
/// <param name="Submission">The submission, as the client sent it.</param>
internal sealed record ForwardRequest(long Id, string From, string DocId, Submission Submission);

/// <summary>
/// The owner's answer to a <see cref="ForwardRequest"/>: the version (<see cref="V"/>, <see cref="Duplicate"/>), or a
/// contract error (<see cref="Code"/>, <see cref="Message"/>), or, when the owner failed in a way the contract has
/// no code for, <see cref="Local"/>: sequence it where it arrived.
/// </summary>
internal sealed record ForwardReply(long Id, long V = 0, bool Duplicate = false, string? Code = null, string? Message = null, bool Local = false);

/// <summary>Writes and reads the forwarding messages: JSON through System.Text.Json, as the HTTP API carries submissions.</summary>
internal static class AffinityMessages
{
    // Only what JSON itself requires is escaped, so an op's text reaches the owner as the client wrote it (its size
    // limit is then checked on the same bytes wherever it is sequenced).
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Write(ForwardRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, Options);

    public static byte[] Write(ForwardReply reply) => JsonSerializer.SerializeToUtf8Bytes(reply, Options);

    /// <exception cref="JsonException">Not a request.</exception>
    public static ForwardRequest ReadRequest(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<ForwardRequest>(json, Options) ?? throw new JsonException("a forwarded submission cannot be null");

    /// <exception cref="JsonException">Not a reply.</exception>
    public static ForwardReply ReadReply(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<ForwardReply>(json, Options) ?? throw new JsonException("a forwarding reply cannot be null");
}
