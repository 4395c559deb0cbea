using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Redis.Resp;

/// <summary>
/// A pub/sub connection: SUBSCRIBE and PSUBSCRIBE with one handler per channel or pattern. Handlers run on the
/// connection's reader loop, one message at a time in the order Redis sent them, so they must be quick and hand
/// longer work off; an exception from one is logged and the message dropped, never breaking the connection. After
/// the connection drops it reconnects by itself, subscribes again to every channel and pattern it had, and then
/// raises <see cref="ConnectionRestored"/>, so the owner can catch up on what was published meanwhile (pub/sub does
/// not buffer for absent subscribers). Thread-safe.
/// </summary>
public sealed class RespSubscriber : IAsyncDisposable
{
    /// <summary>Channel names up to this many UTF-8 bytes are decoded on the stack to find their handler.</summary>
    private const int StackNameLimit = 256;

    private readonly RespLink _link;
    private readonly ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>> _patterns = new(StringComparer.Ordinal);

    // Looks handlers up by the decoded characters, saving a string allocation per received message.
    private readonly ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>>.AlternateLookup<ReadOnlySpan<char>> _channelLookup;
    private readonly ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>>.AlternateLookup<ReadOnlySpan<char>> _patternLookup;

    private RespSubscriber(RespOptions options, ILogger logger)
    {
        _channelLookup = _channels.GetAlternateLookup<ReadOnlySpan<char>>();
        _patternLookup = _patterns.GetAlternateLookup<ReadOnlySpan<char>>();
        _link = new RespLink(options, logger, this, OnPush, ResubscribeAsync);
    }

    /// <summary>
    /// Raised on a pool thread when the connection drops; messages published until <see cref="ConnectionRestored"/>
    /// are lost. Exceptions from handlers are logged and ignored.
    /// </summary>
    public event EventHandler<RedisConnectionException>? ConnectionFailed
    {
        add => _link.ConnectionFailed += value;
        remove => _link.ConnectionFailed -= value;
    }

    /// <summary>
    /// Raised on a pool thread after a reconnect, once every channel and pattern is subscribed again: the moment to
    /// catch up on anything published while the connection was down. Exceptions from handlers are logged and ignored.
    /// </summary>
    public event EventHandler? ConnectionRestored
    {
        add => _link.ConnectionRestored += value;
        remove => _link.ConnectionRestored -= value;
    }

    /// <summary>Whether the connection is open right now; false while reconnecting.</summary>
    public bool IsConnected => _link.IsConnected;

    /// <summary>Opens the subscriber connection. Fails rather than retrying when the first connect does not succeed.</summary>
    /// <param name="options">Where and how to connect; copied, so later changes to it have no effect.</param>
    /// <param name="logger">Receives connection events and handler failures; none when null.</param>
    /// <param name="cancellationToken">Abandons the connect.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="RedisConnectionException">The server could not be reached in time or refused AUTH.</exception>
    public static async Task<RespSubscriber> ConnectAsync(RespOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var subscriber = new RespSubscriber(options, logger ?? NullLogger.Instance);
        await subscriber._link.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return subscriber;
    }

    /// <summary>
    /// Subscribes to <paramref name="channel"/>; completes once Redis confirms. <paramref name="handler"/> receives
    /// the channel name and the message bytes (the array is the handler's to keep). Subscribing again to the same
    /// channel only replaces its handler.
    /// </summary>
    /// <param name="channel">The exact channel name.</param>
    /// <param name="handler">Called for each message on the reader loop; must be quick.</param>
    /// <param name="cancellationToken">Abandons the wait for the confirmation.</param>
    /// <exception cref="RedisConnectionException">The connection is down; the channel is not kept.</exception>
    /// <exception cref="TimeoutException">Redis did not confirm within the command timeout.</exception>
    public Task SubscribeAsync(string channel, Action<string, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default) =>
        AddAsync(_channels, "SUBSCRIBE", channel, handler, cancellationToken);

    /// <summary>
    /// Subscribes to every channel matching the glob <paramref name="pattern"/> (e.g. <c>doc:*</c>); the handler
    /// receives the actual channel name. Subscribing again to the same pattern only replaces its handler.
    /// </summary>
    /// <param name="pattern">A Redis glob pattern.</param>
    /// <param name="handler">Called for each message on the reader loop; must be quick.</param>
    /// <param name="cancellationToken">Abandons the wait for the confirmation.</param>
    /// <exception cref="RedisConnectionException">The connection is down; the pattern is not kept.</exception>
    /// <exception cref="TimeoutException">Redis did not confirm within the command timeout.</exception>
    public Task PatternSubscribeAsync(string pattern, Action<string, ReadOnlyMemory<byte>> handler, CancellationToken cancellationToken = default) =>
        AddAsync(_patterns, "PSUBSCRIBE", pattern, handler, cancellationToken);

    /// <summary>
    /// Unsubscribes from <paramref name="channel"/>: its handler is not called again from the moment this is called.
    /// When the connection is down this succeeds anyway, since the channel will not be subscribed again.
    /// </summary>
    /// <param name="channel">The exact channel name.</param>
    /// <param name="cancellationToken">Abandons the wait for the confirmation.</param>
    /// <exception cref="TimeoutException">Redis did not confirm within the command timeout.</exception>
    public Task UnsubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        RemoveAsync(_channels, "UNSUBSCRIBE", channel, cancellationToken);

    /// <summary>Unsubscribes from <paramref name="pattern"/>, as <see cref="UnsubscribeAsync"/> does for a channel.</summary>
    /// <param name="pattern">The pattern exactly as subscribed.</param>
    /// <param name="cancellationToken">Abandons the wait for the confirmation.</param>
    /// <exception cref="TimeoutException">Redis did not confirm within the command timeout.</exception>
    public Task PatternUnsubscribeAsync(string pattern, CancellationToken cancellationToken = default) =>
        RemoveAsync(_patterns, "PUNSUBSCRIBE", pattern, cancellationToken);

    /// <summary>Closes the connection and stops reconnecting; no handler is called after this completes.</summary>
    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private async Task AddAsync(
        ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>> handlers,
        string verb,
        string name,
        Action<string, ReadOnlyMemory<byte>> handler,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        if (!handlers.TryAdd(name, handler))
        {
            handlers[name] = handler;
            return;
        }

        try
        {
            // Registered before subscribing, so a message right after the confirmation finds its handler.
            await _link.ExecuteAsync([verb, name], throwOnError: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            handlers.TryRemove(KeyValuePair.Create(name, handler));
            throw;
        }
    }

    private async Task RemoveAsync(
        ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>> handlers,
        string verb,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!handlers.TryRemove(name, out _))
        {
            return;
        }

        try
        {
            await _link.ExecuteAsync([verb, name], throwOnError: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException)
        {
            // Down or dropped: the next connection does not subscribe to it again, which is what was asked.
        }
    }

    /// <summary>Subscribes a fresh connection to everything the old one had, pipelined, before it is put to use.</summary>
    private async Task ResubscribeAsync(RespPipe pipe, CancellationToken cancellationToken)
    {
        var confirmations = new List<Task>(_channels.Count + _patterns.Count);
        foreach (var channel in _channels.Keys)
        {
            confirmations.Add(pipe.ExecuteAsync(["SUBSCRIBE", channel], throwOnError: true, cancellationToken).AsTask());
        }

        foreach (var pattern in _patterns.Keys)
        {
            confirmations.Add(pipe.ExecuteAsync(["PSUBSCRIBE", pattern], throwOnError: true, cancellationToken).AsTask());
        }

        await Task.WhenAll(confirmations).ConfigureAwait(false);
        RespLog.Resubscribed(_link.Logger, _channels.Count, _patterns.Count, _link.Options.EndPoint);
    }

    /// <summary>
    /// Handles <c>["message", channel, payload]</c> and <c>["pmessage", pattern, channel, payload]</c> on the reader
    /// loop. Catches everything: a handler's failure must not take the connection down.
    /// </summary>
    private void OnPush(RespValue message)
    {
        var name = "(unknown)";
        try
        {
            var isPattern = message[0].AsBytes().Span.SequenceEqual("pmessage"u8);
            if (isPattern && message.Length < 4)
            {
                RespLog.MalformedPush(_link.Logger, _link.Options.EndPoint);
                return;
            }

            var key = message[1].AsBytes();
            var payload = message[isPattern ? 3 : 2].AsBytes();
            if (!TryFind(isPattern ? _patternLookup : _channelLookup, key.Span, out var registered, out var handler))
            {
                // Unsubscribed while the message was on its way.
                return;
            }

            name = isPattern ? message[2].AsString()! : registered;
            handler(name, payload);
        }
        catch (Exception ex)
        {
            RespLog.MessageHandlerFailed(_link.Logger, name, ex);
        }
    }

    private static bool TryFind(
        ConcurrentDictionary<string, Action<string, ReadOnlyMemory<byte>>>.AlternateLookup<ReadOnlySpan<char>> lookup,
        ReadOnlySpan<byte> utf8Name,
        out string name,
        out Action<string, ReadOnlyMemory<byte>> handler)
    {
        char[]? rented = null;
        var chars = utf8Name.Length <= StackNameLimit
            ? stackalloc char[StackNameLimit]
            : rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8Name.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8Name, chars);
            return lookup.TryGetValue(chars[..length], out name!, out handler!);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
