using System.Buffers;
using LiveSync.Redis.Resp;
using LiveSync.Server.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// A SignalR hub lifetime manager that makes every server of a hub on one Redis act as one: sends to all, to a
/// connection, a group, a user (and their -except and plural forms) reach the targets whichever server holds them,
/// and a connection on another server can be added to or removed from a group. Registered by <c>AddRedis</c> in
/// place of SignalR's single-server manager.
/// </summary>
/// <remarks>
/// <para>
/// A message is serialized once per hub protocol (<see cref="IHubProtocol.GetMessageBytes"/>) and the same bytes go
/// to every local target and, in one <see cref="BackplaneEnvelope"/>, over Redis pub/sub to the other servers (see
/// <see cref="RedisChannels"/> for the channels). Local targets are written to directly, never through a Redis round
/// trip; a server ignores its own messages when Redis echoes them back. Messages from one server arrive at another
/// in the order it sent them.
/// </para>
/// <para>
/// Redis pub/sub delivers at most once: what is published while a server's subscriber connection is down is lost.
/// LiveSync's clients fetch any gap from the op log, and after a drop every document with subscribers on this
/// server is caught up. Adding a connection held by another server to a group waits for that server's
/// acknowledgement up to <see cref="RedisBackplaneOptions.GroupCommandTimeout"/>. Client results
/// (<c>InvokeConnectionAsync</c>) are not supported.
/// </para>
/// </remarks>
/// <typeparam name="THub">The hub.</typeparam>
public sealed partial class RedisHubLifetimeManager<THub> : HubLifetimeManager<THub>, IBackplaneHub, IGroupBatchSender
    where THub : Hub
{
    private readonly RedisBackplane _backplane;
    private readonly RedisChannels _channels;
    private readonly IReadOnlyList<IHubProtocol> _protocols;
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly HubConnectionStore _connections = new();
    private readonly LocalSubscriptions _groups;
    private readonly LocalSubscriptions _users;
    private readonly AckTable _acks = new();
    private readonly SemaphoreSlim _startLock = new(1, 1);

    // Cached so that subscribing a connection's channel does not allocate a delegate per connection.
    private readonly Action<string, ReadOnlyMemory<byte>> _onConnectionMessage;
    private volatile bool _started;

    /// <summary>Creates the manager; connects to Redis on first use, not here.</summary>
    /// <param name="backplane">This process's link to Redis.</param>
    /// <param name="protocolResolver">The registered hub protocols; a message is serialized once for each the hub supports.</param>
    /// <param name="globalHubOptions">SignalR's options, for the supported protocols.</param>
    /// <param name="hubOptions">The hub's options, for its supported protocols.</param>
    /// <param name="options">The backplane's settings.</param>
    /// <param name="logger">Where the manager logs.</param>
    public RedisHubLifetimeManager(
        RedisBackplane backplane,
        IHubProtocolResolver protocolResolver,
        IOptions<HubOptions> globalHubOptions,
        IOptions<HubOptions<THub>> hubOptions,
        IOptions<RedisBackplaneOptions> options,
        ILogger<RedisHubLifetimeManager<THub>> logger)
    {
        ArgumentNullException.ThrowIfNull(backplane);
        ArgumentNullException.ThrowIfNull(protocolResolver);
        _backplane = backplane;
        _options = options.Value;
        _logger = logger;
        _channels = new RedisChannels(backplane.KeyPrefix, typeof(THub).FullName!);
        var supported = hubOptions.Value.SupportedProtocols ?? globalHubOptions.Value.SupportedProtocols;
        _protocols = supported is null || supported.Count == 0
            ? [.. protocolResolver.AllProtocols]
            : [.. protocolResolver.AllProtocols.Where(p => supported.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];
        _groups = new LocalSubscriptions(_channels.Group, OnGroupMessage);
        _users = new LocalSubscriptions(_channels.User, OnUserMessage);
        _onConnectionMessage = OnConnectionMessage;
        backplane.Attach(this);
    }

    /// <inheritdoc />
    IReadOnlyCollection<string> IBackplaneHub.LocalGroups => _groups.Names;

    /// <summary>
    /// Tracks a new connection and subscribes its channel (and its user's), so messages for it from other servers
    /// arrive; completes once Redis confirmed.
    /// </summary>
    /// <exception cref="RedisConnectionException">Redis cannot be reached; the connection is refused.</exception>
    /// <exception cref="TimeoutException">Redis did not confirm the subscription in time; the connection is refused.</exception>
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var subscriber = await StartAsync(connection.ConnectionAborted).ConfigureAwait(false);
        connection.Features.Set(new BackplaneConnectionFeature());
        _connections.Add(connection);
        try
        {
            await subscriber.SubscribeAsync(_channels.Connection(connection.ConnectionId), _onConnectionMessage, connection.ConnectionAborted).ConfigureAwait(false);
            if (connection.UserIdentifier is { } user)
            {
                await _users.AddAsync(user, connection, subscriber, connection.ConnectionAborted).ConfigureAwait(false);
            }
        }
        catch
        {
            _connections.Remove(connection);
            try
            {
                await subscriber.UnsubscribeAsync(_channels.Connection(connection.ConnectionId)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                BackplaneLog.UnsubscribeFailed(_logger, connection.ConnectionId, ex);
            }

            throw;
        }
    }

    /// <summary>Forgets a connection: leaves its groups, its user and its channel. Never throws; failures are logged.</summary>
    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections.Remove(connection);
        var feature = connection.Features.Get<BackplaneConnectionFeature>();
        if (feature is null)
        {
            return;
        }

        string[] groups;
        lock (feature.Groups)
        {
            feature.Disconnected = true;
            groups = [.. feature.Groups];
            feature.Groups.Clear();
        }

        try
        {
            var subscriber = await _backplane.GetSubscriberAsync().ConfigureAwait(false);
            var leaving = new List<Task>(groups.Length + 2) { subscriber.UnsubscribeAsync(_channels.Connection(connection.ConnectionId)) };
            foreach (var group in groups)
            {
                leaving.Add(_groups.RemoveAsync(group, connection, subscriber));
            }

            if (connection.UserIdentifier is { } user)
            {
                leaving.Add(_users.RemoveAsync(user, connection, subscriber));
            }

            await Task.WhenAll(leaving).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            BackplaneLog.UnsubscribeFailed(_logger, connection.ConnectionId, ex);
        }
    }

    /// <inheritdoc />
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendToAllAsync(methodName, args, null, cancellationToken);

    /// <inheritdoc />
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendToAllAsync(methodName, args, excludedConnectionIds, cancellationToken);

    /// <summary>Sends to one connection: written directly when it is on this server, else published to its channel.</summary>
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_connections[connectionId] is { } local)
        {
            // Only this connection's protocol is serialized, lazily.
            return local.WriteAsync(new SerializedHubMessage(new InvocationMessage(methodName, args)), cancellationToken).AsTask();
        }

        return PublishAsync(_channels.Connection(connectionId), Serialize(methodName, args), null, cancellationToken);
    }

    /// <inheritdoc />
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        var messages = Serialize(methodName, args);
        var message = new SerializedHubMessage(messages);
        var sends = new List<Task>(connectionIds.Count);
        foreach (var connectionId in connectionIds)
        {
            sends.Add(_connections[connectionId] is { } local
                ? local.WriteAsync(message, cancellationToken).AsTask()
                : PublishAsync(_channels.Connection(connectionId), messages, null, cancellationToken));
        }

        return Task.WhenAll(sends);
    }

    /// <inheritdoc />
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return SendToSetAsync(_groups, _channels.Group(groupName), groupName, Serialize(methodName, args), null, cancellationToken);
    }

    /// <summary>
    /// Sends several invocations to a group as one message: per protocol, the invocations' frames are concatenated
    /// (hub protocol frames delimit themselves), so each local member gets one write and the other servers one
    /// publish, and every member receives the invocations in order. Not for a hub endpoint with stateful reconnect
    /// (<c>AllowStatefulReconnects</c>): its message buffer would count the batch as one message. LiveSync's hub does
    /// not allow it.
    /// </summary>
    /// <param name="groupName">The group.</param>
    /// <param name="methodName">The client method.</param>
    /// <param name="arguments">The arguments of each invocation.</param>
    /// <param name="cancellationToken">Abandons the sends.</param>
    /// <returns>A task that completes when the local writes and the publish are done.</returns>
    public Task SendGroupBatchAsync(string groupName, string methodName, IReadOnlyList<object?[]> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        ArgumentNullException.ThrowIfNull(arguments);
        var messages = new SerializedMessage[_protocols.Count];
        var frames = new ArrayBufferWriter<byte>();
        for (var i = 0; i < messages.Length; i++)
        {
            frames.ResetWrittenCount();
            foreach (var args in arguments)
            {
                _protocols[i].WriteMessage(new InvocationMessage(methodName, args), frames);
            }

            messages[i] = new SerializedMessage(_protocols[i].Name, frames.WrittenMemory.ToArray());
        }

        return SendToSetAsync(_groups, _channels.Group(groupName), groupName, messages, null, cancellationToken);
    }

    /// <inheritdoc />
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupNames);
        var messages = Serialize(methodName, args);
        var sends = new Task[groupNames.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = SendToSetAsync(_groups, _channels.Group(groupNames[i]), groupNames[i], messages, null, cancellationToken);
        }

        return Task.WhenAll(sends);
    }

    /// <inheritdoc />
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        return SendToSetAsync(_groups, _channels.Group(groupName), groupName, Serialize(methodName, args), excludedConnectionIds, cancellationToken);
    }

    /// <inheritdoc />
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return SendToSetAsync(_users, _channels.User(userId), userId, Serialize(methodName, args), null, cancellationToken);
    }

    /// <inheritdoc />
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var messages = Serialize(methodName, args);
        var sends = new Task[userIds.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = SendToSetAsync(_users, _channels.User(userIds[i]), userIds[i], messages, null, cancellationToken);
        }

        return Task.WhenAll(sends);
    }

    /// <summary>Connects the backplane and subscribes this hub's always-on channels, once.</summary>
    private async ValueTask<RespSubscriber> StartAsync(CancellationToken cancellationToken)
    {
        var subscriber = await _backplane.GetSubscriberAsync(cancellationToken).ConfigureAwait(false);
        if (_started)
        {
            return subscriber;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                await subscriber.SubscribeAsync(_channels.All, OnAllMessage, cancellationToken).ConfigureAwait(false);
                await subscriber.SubscribeAsync(_channels.Server(_backplane.ServerId), OnServerMessage, cancellationToken).ConfigureAwait(false);
                _started = true;
                BackplaneLog.Started(_logger, typeof(THub).FullName!, _backplane.ServerId, _backplane.EndPoint);
            }
        }
        finally
        {
            _startLock.Release();
        }

        return subscriber;
    }

    private Task SendToAllAsync(string methodName, object?[] args, IReadOnlyList<string>? excluded, CancellationToken cancellationToken)
    {
        var messages = Serialize(methodName, args);
        var local = WriteLocal(_connections, new SerializedHubMessage(messages), excluded, cancellationToken);
        var remote = PublishAsync(_channels.All, messages, excluded, cancellationToken);
        return Task.WhenAll(local, remote);
    }

    private Task SendToSetAsync(LocalSubscriptions set, string channel, string name, SerializedMessage[] messages, IReadOnlyList<string>? excluded, CancellationToken cancellationToken)
    {
        // Local members first and directly; the publish reaches the members on other servers.
        var local = set.Get(name) is { } members
            ? WriteLocal(members, new SerializedHubMessage(messages), excluded, cancellationToken)
            : Task.CompletedTask;
        var remote = PublishAsync(channel, messages, excluded, cancellationToken);
        return Task.WhenAll(local, remote);
    }

    /// <summary>The invocation serialized once for each protocol the hub supports.</summary>
    private SerializedMessage[] Serialize(string methodName, object?[] args)
    {
        var invocation = new InvocationMessage(methodName, args);
        var messages = new SerializedMessage[_protocols.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new SerializedMessage(_protocols[i].Name, _protocols[i].GetMessageBytes(invocation));
        }

        return messages;
    }

    private static Task WriteLocal(HubConnectionStore connections, SerializedHubMessage message, IReadOnlyList<string>? excluded, CancellationToken cancellationToken)
    {
        List<Task>? pending = null;
        foreach (var connection in connections)
        {
            if (excluded is not null && excluded.Contains(connection.ConnectionId))
            {
                continue;
            }

            var write = connection.WriteAsync(message, cancellationToken);
            if (!write.IsCompletedSuccessfully)
            {
                (pending ??= []).Add(write.AsTask());
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    private async Task PublishAsync(string channel, SerializedMessage[] messages, IReadOnlyList<string>? excluded, CancellationToken cancellationToken)
    {
        var connection = await _backplane.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        var length = BackplaneEnvelope.WriteInvocation(_backplane.ServerIdBytes, excluded, messages, out var buffer);
        ValueTask<RespValue> published;
        try
        {
            published = connection.ExecuteAsync(["PUBLISH", channel, new ReadOnlyMemory<byte>(buffer, 0, length)], cancellationToken);
        }
        finally
        {
            // The command is serialized before ExecuteAsync returns, so the buffer is free again.
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        await published.ConfigureAwait(false);
    }

    private async Task PublishAsync(string channel, byte[] envelope, CancellationToken cancellationToken)
    {
        var connection = await _backplane.GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(["PUBLISH", channel, envelope], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the manager keeps on each of its connections: the groups it is in here.</summary>
    private sealed class BackplaneConnectionFeature
    {
        /// <summary>Guarded by locking the set itself.</summary>
        public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

        /// <summary>Set once the connection left; a group add racing its end is then not kept.</summary>
        public bool Disconnected { get; set; }
    }
}
