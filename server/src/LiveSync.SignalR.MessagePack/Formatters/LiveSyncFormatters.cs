using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LiveSync.Protocol.MessagePack;
using LiveSync.Protocol.Messages;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary>
/// The direct formatters of LiveSync's message types, chosen by type. Every other type goes through its JSON form
/// (<see cref="MessagePackJson.Serialize"/> and <see cref="MessagePackJson.Deserialize"/>).
/// </summary>
/// <remarks>
/// A formatter writes the bytes the JSON form would give: camelCase keys in declaration order, the
/// <c>[JsonIgnore(WhenWritingNull)]</c> properties left out when null, <see cref="JsonElement"/> values through
/// <see cref="MessagePackJson.WriteJsonElement"/>. That holds for the serializer options
/// <see cref="MessagePackHubProtocolOptions.CreateDefaultSerializerOptions"/> makes; <see cref="Supports"/> says
/// whether given options still behave so, and the protocol uses the formatters only then.
/// </remarks>
internal static class LiveSyncFormatters
{
    /// <summary>
    /// Whether <paramref name="options"/> serialize LiveSync's message types as the formatters do: the defaults in
    /// every setting that changes the JSON form of these types or how it is read.
    /// </summary>
    /// <param name="options">The payload serializer options.</param>
    /// <returns>True when the formatters may stand in for the JSON form.</returns>
    public static bool Supports(JsonSerializerOptions options) =>
        options.PropertyNamingPolicy == JsonNamingPolicy.CamelCase
        && options.DictionaryKeyPolicy is null
        && options.PropertyNameCaseInsensitive
        && options.Converters.Count == 0
        && options.DefaultIgnoreCondition == JsonIgnoreCondition.Never
        && !options.IgnoreReadOnlyProperties
        && options.NumberHandling == JsonNumberHandling.Strict
        && options.ReferenceHandler is null
        && options.UnmappedMemberHandling == JsonUnmappedMemberHandling.Skip
        && options.PreferredObjectCreationHandling == JsonObjectCreationHandling.Replace
        && !options.RespectNullableAnnotations
        && !options.RespectRequiredConstructorParameters
        && options.AllowDuplicateProperties
        && options.MaxDepth is 0 or MessagePackReader.DefaultMaxDepth
        && (options.TypeInfoResolver is null || IsPlainReflection(options.TypeInfoResolver));

    // The resolver the options get when none is set: plain reflection over the declared members, no modifiers.
    private static bool IsPlainReflection(IJsonTypeInfoResolver resolver) =>
        resolver.GetType() == typeof(DefaultJsonTypeInfoResolver) && ((DefaultJsonTypeInfoResolver)resolver).Modifiers.Count == 0;

    /// <summary>Writes <paramref name="value"/> when it is of a type with a formatter.</summary>
    /// <param name="writer">Where the MessagePack goes.</param>
    /// <param name="value">The value, not null.</param>
    /// <returns>False, having written nothing, for a type without a formatter.</returns>
    public static bool TryWrite(MessagePackWriter writer, object value)
    {
        // Sealed types first (a type check each); the list interface last.
        switch (value)
        {
            case SequencedOp op:
                SequencedOpFormatter.Instance.Write(writer, op);
                return true;
            case SubmitResult result:
                SubmitResultFormatter.Instance.Write(writer, result);
                return true;
            case OpenResult result:
                OpenResultFormatter.Instance.Write(writer, result);
                return true;
            case Submission submission:
                SubmissionFormatter.Instance.Write(writer, submission);
                return true;
            case Snapshot snapshot:
                SnapshotFormatter.Instance.Write(writer, snapshot);
                return true;
            case WhoAmIResult result:
                WhoAmIResultFormatter.Instance.Write(writer, result);
                return true;
            case CreateSpec create:
                CreateSpecFormatter.Instance.Write(writer, create);
                return true;
            case IReadOnlyList<SequencedOp> ops:
                SequencedOpFormatter.Instance.WriteList(writer, ops);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a value of <paramref name="type"/> when it is a type with a formatter.</summary>
    /// <param name="reader">The reader, left after the value when one was read.</param>
    /// <param name="type">The type to read.</param>
    /// <param name="value">The value; null for nil.</param>
    /// <returns>False, having read nothing, for a type without a formatter.</returns>
    /// <exception cref="InvalidDataException">The value is malformed or does not fit <paramref name="type"/>.</exception>
    public static bool TryRead(ref MessagePackReader reader, Type type, out object? value)
    {
        if (type == typeof(SequencedOp))
        {
            value = reader.TryReadNil() ? null : SequencedOpFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(SubmitResult))
        {
            value = reader.TryReadNil() ? null : SubmitResultFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(OpenResult))
        {
            value = reader.TryReadNil() ? null : OpenResultFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(Submission))
        {
            value = reader.TryReadNil() ? null : SubmissionFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(Snapshot))
        {
            value = reader.TryReadNil() ? null : SnapshotFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(WhoAmIResult))
        {
            value = reader.TryReadNil() ? null : WhoAmIResultFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(CreateSpec))
        {
            value = reader.TryReadNil() ? null : CreateSpecFormatter.Instance.Read(ref reader);
        }
        else if (type == typeof(SequencedOp[]))
        {
            value = reader.TryReadNil() ? null : SequencedOpFormatter.Instance.ReadArray(ref reader);
        }
        else if (type == typeof(IReadOnlyList<SequencedOp>) || type == typeof(List<SequencedOp>))
        {
            value = reader.TryReadNil() ? null : SequencedOpFormatter.Instance.ReadList(ref reader);
        }
        else
        {
            value = null;
            return false;
        }

        return true;
    }
}
