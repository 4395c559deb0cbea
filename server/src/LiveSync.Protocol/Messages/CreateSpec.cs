using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveSync.Protocol.Messages;

/// <summary>The <c>create</c> part of a submission or sequenced op: the new document's type and initial data.</summary>
/// <param name="Type">The OT type's wire name: <c>text</c>, <c>json</c> or <c>opaque</c>.</param>
/// <param name="Data">The initial snapshot data; absent means the type's empty value.</param>
public sealed record CreateSpec(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Data = null);
