using System.Text.Json;

namespace LiveSync.SignalR.MessagePack;

/// <summary>Options of <see cref="MessagePackHubProtocol"/>.</summary>
public sealed class MessagePackHubProtocolOptions
{
    /// <summary>
    /// How arguments and results that are not primitives, byte arrays or <see cref="JsonElement"/> are mapped: through
    /// their JSON form with these options. Default: <see cref="CreateDefaultSerializerOptions"/>, the same defaults as
    /// SignalR's JSON hub protocol, so a value looks the same over both protocols. While these options keep the
    /// defaults that shape LiveSync's message types (naming policy, ignore conditions, converters and the like),
    /// those types are written and read directly, in the same bytes, without the JSON step; changing any such
    /// setting (before the protocol is created) sends them through their JSON form too.
    /// </summary>
    public JsonSerializerOptions PayloadSerializerOptions { get; set; } = CreateDefaultSerializerOptions();

    /// <summary>
    /// The default serializer options: camelCase property names, case-insensitive property matching when reading,
    /// nesting at most 64 deep; <c>[JsonIgnore]</c> conditions on members are respected.
    /// </summary>
    /// <returns>New options, not yet frozen.</returns>
    public static JsonSerializerOptions CreateDefaultSerializerOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        MaxDepth = 64,
    };
}
