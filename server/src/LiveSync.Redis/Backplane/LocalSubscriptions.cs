using System.Collections.Concurrent;
using LiveSync.Redis.Resp;
using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Backplane;

/// <summary>
/// Named sets of this server's connections (groups, or users) and their Redis channels: a name's channel is
/// subscribed while the set has a member, so the server hears messages for it from other servers. Lookups are
/// lock-free (the subscriber's reader loop does them); changes are serialized, so a subscribe and an unsubscribe
/// of one name cannot overtake each other.
/// </summary>
internal sealed class LocalSubscriptions(Func<string, string> channelOf, Action<string, ReadOnlyMemory<byte>> handler)
{
    private readonly ConcurrentDictionary<string, HubConnectionStore> _members = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>The names with at least one member.</summary>
    public IReadOnlyCollection<string> Names => [.. _members.Keys];

    /// <summary>The members of <paramref name="name"/> on this server, or null when none.</summary>
    public HubConnectionStore? Get(string name) => _members.TryGetValue(name, out var store) ? store : null;

    /// <summary>
    /// Adds <paramref name="connection"/> to <paramref name="name"/>; the first member subscribes the channel, and this
    /// completes once Redis confirmed it. When subscribing fails the connection is not added.
    /// </summary>
    public async Task AddAsync(string name, HubConnectionContext connection, RespSubscriber subscriber, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_members.TryGetValue(name, out var store))
            {
                store.Add(connection);
                return;
            }

            store = new HubConnectionStore();
            store.Add(connection);

            // Visible to local sends at once; messages from other servers come once the subscription is confirmed.
            _members[name] = store;
            try
            {
                await subscriber.SubscribeAsync(channelOf(name), handler, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _members.TryRemove(name, out _);
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Removes <paramref name="connection"/> from <paramref name="name"/>; the last member unsubscribes the channel.</summary>
    public async Task RemoveAsync(string name, HubConnectionContext connection, RespSubscriber subscriber)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_members.TryGetValue(name, out var store))
            {
                return;
            }

            store.Remove(connection);
            if (store.Count > 0)
            {
                return;
            }

            _members.TryRemove(name, out _);
            await subscriber.UnsubscribeAsync(channelOf(name)).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
