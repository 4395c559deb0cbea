using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// The handlers of messages from other servers. They run on the subscriber's reader loop, one message at a time in
/// the order Redis sent them, so they only start writes (whose order per connection SignalR keeps) and hand longer
/// work off. None lets an exception escape: a bad message is logged and dropped.
/// </summary>
public sealed partial class RedisHubLifetimeManager<THub>
{
    private void OnAllMessage(string channel, ReadOnlyMemory<byte> envelope)
    {
        try
        {
            if (TryReadInvocation(envelope, out var message, out var excluded))
            {
                WriteReceived(_connections, message, excluded);
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, channel, ex);
        }
    }

    private void OnGroupMessage(string channel, ReadOnlyMemory<byte> envelope)
    {
        try
        {
            if (_channels.TryParseGroup(channel, out var group)
                && _groups.Get(group) is { } members
                && TryReadInvocation(envelope, out var message, out var excluded))
            {
                WriteReceived(members, message, excluded);
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, channel, ex);
        }
    }

    private void OnUserMessage(string channel, ReadOnlyMemory<byte> envelope)
    {
        try
        {
            if (_channels.TryParseUser(channel, out var user)
                && _users.Get(user) is { } connections
                && TryReadInvocation(envelope, out var message, out var excluded))
            {
                WriteReceived(connections, message, excluded);
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, channel, ex);
        }
    }

    private void OnConnectionMessage(string channel, ReadOnlyMemory<byte> envelope)
    {
        try
        {
            if (!_channels.TryParseConnection(channel, out var connectionId))
            {
                return;
            }

            var kind = BackplaneEnvelope.ReadHeader(envelope.Span, _backplane.ServerIdBytes, out var fromSelf);
            if (fromSelf)
            {
                return;
            }

            switch (kind)
            {
                case BackplaneEnvelope.Kind.Invocation:
                    var messages = BackplaneEnvelope.ReadInvocation(envelope, out _);
                    if (_connections[connectionId] is { } connection)
                    {
                        Write(connection, new SerializedHubMessage(messages));
                    }

                    break;
                case BackplaneEnvelope.Kind.GroupCommand:
                    var (id, action, target, group) = BackplaneEnvelope.ReadGroupCommand(envelope);
                    var sender = BackplaneEnvelope.Sender(envelope.Span);

                    // Subscribing a group channel waits for Redis, whose reply this very loop reads: never wait here.
                    _ = Task.Run(() => RunGroupCommandAsync(id, action, target, group, sender));
                    break;
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, channel, ex);
        }
    }

    private void OnServerMessage(string channel, ReadOnlyMemory<byte> envelope)
    {
        try
        {
            var kind = BackplaneEnvelope.ReadHeader(envelope.Span, _backplane.ServerIdBytes, out _);
            if (kind == BackplaneEnvelope.Kind.Ack)
            {
                _acks.Complete(BackplaneEnvelope.ReadAck(envelope));
            }
        }
        catch (Exception ex)
        {
            BackplaneLog.MessageFailed(_logger, channel, ex);
        }
    }

    /// <summary>An invocation from another server; false for this server's own echo.</summary>
    private bool TryReadInvocation(ReadOnlyMemory<byte> envelope, out SerializedHubMessage message, out HashSet<string>? excluded)
    {
        var kind = BackplaneEnvelope.ReadHeader(envelope.Span, _backplane.ServerIdBytes, out var fromSelf);
        if (fromSelf || kind != BackplaneEnvelope.Kind.Invocation)
        {
            message = null!;
            excluded = null;
            return false;
        }

        message = new SerializedHubMessage(BackplaneEnvelope.ReadInvocation(envelope, out excluded));
        return true;
    }

    private void WriteReceived(HubConnectionStore connections, SerializedHubMessage message, HashSet<string>? excluded)
    {
        foreach (var connection in connections)
        {
            if (excluded is null || !excluded.Contains(connection.ConnectionId))
            {
                Write(connection, message);
            }
        }
    }

    /// <summary>Starts a write without waiting for it; a failure is logged when it comes.</summary>
    private void Write(HubConnectionContext connection, SerializedHubMessage message)
    {
        ValueTask write;
        try
        {
            write = connection.WriteAsync(message);
        }
        catch (Exception ex)
        {
            BackplaneLog.WriteFailed(_logger, connection.ConnectionId, ex);
            return;
        }

        if (!write.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(write, connection.ConnectionId);
        }
    }

    private async Task ObserveAsync(ValueTask write, string connectionId)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            BackplaneLog.WriteFailed(_logger, connectionId, ex);
        }
    }
}
