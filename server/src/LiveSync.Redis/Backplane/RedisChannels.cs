namespace LiveSync.Redis.Backplane;

/// <summary>
/// Every pub/sub channel the backplane uses, built and parsed here and nowhere else. Channels are not keys (they
/// live outside the keyspace and have no hash slot), but they carry the same key prefix so several deployments can
/// share one Redis. The hub's full type name keeps two hubs of one application apart.
/// </summary>
/// <remarks>
/// With the default prefix <c>livesync:</c> and the hub <c>LiveSync.Server.Hubs.LiveSyncHub</c> (written
/// <c>{hub}</c> below), a server subscribes to:
/// <code>
/// livesync:bp:{hub}:all                  every server, always          sends to all (and all-except)
/// livesync:bp:{hub}:server:{serverId}    its own id, always            acknowledgements of group commands it sent
/// livesync:bp:{hub}:conn:{connectionId}  each local connection         sends to that connection; group add/remove
///                                                                      commands for it from other servers
/// livesync:bp:{hub}:group:{group}        while it has a local member   sends to the group (and group-except)
/// livesync:bp:{hub}:user:{userId}        while it has a local          sends to the user
///                                        connection of that user
/// </code>
/// The variable part is always last, so a group or user name may contain any character, colons included. Every
/// message is a <see cref="BackplaneEnvelope"/>.
/// </remarks>
internal sealed class RedisChannels
{
    private readonly string _groupPrefix;
    private readonly string _userPrefix;
    private readonly string _connectionPrefix;
    private readonly string _serverPrefix;

    /// <summary>Channels of the hub named <paramref name="hubName"/>, under <paramref name="prefix"/> (e.g. <c>livesync:</c>).</summary>
    public RedisChannels(string prefix, string hubName)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(hubName);
        var root = string.Concat(prefix, "bp:", hubName, ":");
        All = root + "all";
        _groupPrefix = root + "group:";
        _userPrefix = root + "user:";
        _connectionPrefix = root + "conn:";
        _serverPrefix = root + "server:";
    }

    /// <summary>The channel every server of the hub listens on.</summary>
    public string All { get; }

    /// <summary>The channel of a group's members.</summary>
    public string Group(string groupName) => _groupPrefix + groupName;

    /// <summary>The channel of a user's connections.</summary>
    public string User(string userId) => _userPrefix + userId;

    /// <summary>The channel of one connection, listened on by the server that holds it.</summary>
    public string Connection(string connectionId) => _connectionPrefix + connectionId;

    /// <summary>The channel of one server (its acknowledgements).</summary>
    public string Server(string serverId) => _serverPrefix + serverId;

    /// <summary>The group name of a channel built by <see cref="Group"/>; false for any other channel.</summary>
    public bool TryParseGroup(string channel, out string groupName) => TryParse(channel, _groupPrefix, out groupName);

    /// <summary>The user id of a channel built by <see cref="User"/>; false for any other channel.</summary>
    public bool TryParseUser(string channel, out string userId) => TryParse(channel, _userPrefix, out userId);

    /// <summary>The connection id of a channel built by <see cref="Connection"/>; false for any other channel.</summary>
    public bool TryParseConnection(string channel, out string connectionId) => TryParse(channel, _connectionPrefix, out connectionId);

    private static bool TryParse(string channel, string prefix, out string name)
    {
        if (channel.Length > prefix.Length && channel.StartsWith(prefix, StringComparison.Ordinal))
        {
            name = channel[prefix.Length..];
            return true;
        }

        name = "";
        return false;
    }
}
