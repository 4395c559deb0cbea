using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Backplane;

public sealed partial class RedisHubLifetimeManager<THub>
{
    /// <summary>
    /// Adds a connection to a group. A connection on this server is added at once and the group's channel subscribed
    /// (completing when Redis confirmed); otherwise the command goes to the server that holds the connection, and
    /// this completes when that server acknowledges it.
    /// </summary>
    /// <exception cref="TimeoutException">
    /// No server acknowledged within <see cref="RedisBackplaneOptions.GroupCommandTimeout"/>: the connection is on
    /// no server (it ended, or never existed), or that server is unreachable.
    /// </exception>
    /// <exception cref="LiveSync.Redis.Resp.RedisConnectionException">Redis cannot be reached.</exception>
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        return _connections[connectionId] is { } local
            ? AddLocalAsync(local, groupName, cancellationToken)
            : SendGroupCommandAsync(BackplaneEnvelope.GroupAction.Add, connectionId, groupName, cancellationToken);
    }

    /// <summary>
    /// Removes a connection from a group, as <see cref="AddToGroupAsync"/> adds it: at once when the connection is on
    /// this server (the group's channel is left with its last local member), else acknowledged by its server.
    /// </summary>
    /// <exception cref="TimeoutException">No server acknowledged within <see cref="RedisBackplaneOptions.GroupCommandTimeout"/>.</exception>
    /// <exception cref="LiveSync.Redis.Resp.RedisConnectionException">Redis cannot be reached.</exception>
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(groupName);
        return _connections[connectionId] is { } local
            ? RemoveLocalAsync(local, groupName)
            : SendGroupCommandAsync(BackplaneEnvelope.GroupAction.Remove, connectionId, groupName, cancellationToken);
    }

    private async Task AddLocalAsync(HubConnectionContext connection, string groupName, CancellationToken cancellationToken)
    {
        var feature = connection.Features.Get<BackplaneConnectionFeature>();
        if (feature is null)
        {
            return;
        }

        lock (feature.Groups)
        {
            if (feature.Disconnected || !feature.Groups.Add(groupName))
            {
                return;
            }
        }

        try
        {
            var subscriber = await StartAsync(cancellationToken).ConfigureAwait(false);
            await _groups.AddAsync(groupName, connection, subscriber, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (feature.Groups)
            {
                feature.Groups.Remove(groupName);
            }

            throw;
        }
    }

    private async Task RemoveLocalAsync(HubConnectionContext connection, string groupName)
    {
        var feature = connection.Features.Get<BackplaneConnectionFeature>();
        if (feature is null)
        {
            return;
        }

        lock (feature.Groups)
        {
            if (!feature.Groups.Remove(groupName))
            {
                return;
            }
        }

        var subscriber = await _backplane.GetSubscriberAsync().ConfigureAwait(false);
        await _groups.RemoveAsync(groupName, connection, subscriber).ConfigureAwait(false);
    }

    private async Task SendGroupCommandAsync(BackplaneEnvelope.GroupAction action, string connectionId, string groupName, CancellationToken cancellationToken)
    {
        // The acknowledgement comes on this server's channel: it must be subscribed before the command goes out.
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var (id, acked) = _acks.Create();
        try
        {
            var envelope = BackplaneEnvelope.WriteGroupCommand(_backplane.ServerIdBytes, id, action, connectionId, groupName);
            await PublishAsync(_channels.Connection(connectionId), envelope, cancellationToken).ConfigureAwait(false);
            await acked.WaitAsync(_options.GroupCommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            BackplaneLog.GroupCommandTimedOut(_logger, action.ToString(), connectionId, groupName, _options.GroupCommandTimeout);
            throw new TimeoutException(
                $"No server acknowledged {(action == BackplaneEnvelope.GroupAction.Add ? "adding" : "removing")} connection {connectionId} " +
                $"{(action == BackplaneEnvelope.GroupAction.Add ? "to" : "from")} group {groupName} within {_options.GroupCommandTimeout}: no server holds it, or its server is unreachable.");
        }
        finally
        {
            _acks.Forget(id);
        }
    }

    /// <summary>Carries out a group command for a connection held here, then acknowledges it to the sender. Never throws.</summary>
    private async Task RunGroupCommandAsync(uint id, BackplaneEnvelope.GroupAction action, string connectionId, string groupName, string sender)
    {
        try
        {
            if (_connections[connectionId] is not { } connection)
            {
                // It ended meanwhile: no acknowledgement, as from a server that never held it.
                return;
            }

            if (action == BackplaneEnvelope.GroupAction.Add)
            {
                await AddLocalAsync(connection, groupName, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await RemoveLocalAsync(connection, groupName).ConfigureAwait(false);
            }

            await PublishAsync(_channels.Server(sender), BackplaneEnvelope.WriteAck(_backplane.ServerIdBytes, id), CancellationToken.None).ConfigureAwait(false);
            BackplaneLog.GroupCommandDone(_logger, id, action.ToString(), connectionId, groupName, sender);
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, _channels.Connection(connectionId), ex);
        }
    }
}
