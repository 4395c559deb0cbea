using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSync.Protocol.Messages;

/// <summary>
/// A change as the server ordered it: <see cref="V"/> is the version it produced. Exactly one of
/// <see cref="Op"/>, <see cref="Create"/> or <see cref="Del"/> is set.
/// </summary>
public sealed record SequencedOp
{
    /// <summary>The version this op produced (the create is 1).</summary>
    public required long V { get; init; }

    /// <summary>The client that submitted it.</summary>
    public required string ClientId { get; init; }

    /// <summary>That client's sequence number for it.</summary>
    public required long Seq { get; init; }

    /// <summary>The op, as transformed by the server to apply at <c>V - 1</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Op { get; init; }

    /// <summary>Set when this op created the document.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CreateSpec? Create { get; init; }

    /// <summary>True when this op deleted the document.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Del { get; init; }

    /// <summary>Server time of sequencing, milliseconds since the Unix epoch.</summary>
    public required long Ts { get; init; }
}
