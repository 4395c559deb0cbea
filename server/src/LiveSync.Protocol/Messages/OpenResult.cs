using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSync.Protocol.Messages;

/// <summary>
/// The reply to <c>Open</c>: the document's state, as a snapshot (<see cref="Data"/>) or, when the caller asked
/// for the ops since a version it has and they are kept, as those ops (<see cref="Ops"/>).
/// </summary>
public sealed record OpenResult
{
    /// <summary>The document id.</summary>
    public required string DocId { get; init; }

    /// <summary>The OT type's name, null when the document does not exist.</summary>
    public required string? Type { get; init; }

    /// <summary>The document's version.</summary>
    public required long V { get; init; }

    /// <summary>The snapshot at <see cref="V"/>, when sent as a snapshot.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Data { get; init; }

    /// <summary>Every op after the caller's <c>since</c> up to <see cref="V"/>, when sent as ops.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SequencedOp>? Ops { get; init; }

    /// <summary>The presence of the other clients on the document, by client id.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Presence { get; init; }
}
