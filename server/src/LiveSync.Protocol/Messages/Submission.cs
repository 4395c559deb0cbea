using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSync.Protocol.Messages;

/// <summary>
/// A client's change to one document: exactly one of <see cref="Op"/>, <see cref="Create"/> or
/// <see cref="Del"/>, made against version <see cref="V"/>, numbered <see cref="Seq"/> by its client.
/// </summary>
public sealed record Submission
{
    /// <summary>The submitting client's id.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's per-document submission counter: 1, 2, 3, ...</summary>
    public required long Seq { get; init; }

    /// <summary>The version the change was made against.</summary>
    public required long V { get; init; }

    /// <summary>An op of the document's type.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Op { get; init; }

    /// <summary>Creates the document.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CreateSpec? Create { get; init; }

    /// <summary>Deletes the document when true.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Del { get; init; }
}
