using System.Diagnostics;
using System.Collections.Concurrent;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Client;

/// <summary>
/// A connection to a LiveSync server, with the documents opened through it. Connects to
/// <c>{server}/hubs/livesync?clientId={id}</c>, reconnects forever after a lost connection (keeping its client
/// id), and then re-opens every open document from its version and resubmits its change in flight.
/// </summary>
/// <example>
/// <code>
/// await using var client = new LiveSyncClient(new LiveSyncClientOptions { ServerUrl = new Uri("http://localhost:5000") });
/// await client.ConnectAsync();
/// var doc = await client.OpenAsync("notes", new LiveSyncOpenOptions { CreateType = "text" });
/// await doc.InsertAsync(0, "hello");
/// </code>
/// </example>
public sealed class LiveSyncClient : IAsyncDisposable
{
    private readonly LiveSyncClientOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LiveSyncDocument> _documents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly object _stateGate = new();
    private HubConnection? _connection;
    private ISyncHub? _hub;
    private LiveSyncConnectionState _state;
    private bool _disposed;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">The server URL is missing or the client id breaks the contract's rule.</exception>
    public LiveSyncClient(LiveSyncClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ServerUrl is null)
        {
            throw new ArgumentException("ServerUrl is required", nameof(options));
        }

        if (!Identifiers.IsValidClientId(options.ClientId))
        {
            throw new ArgumentException("a client id is 8 to 64 characters of A-Z a-z 0-9 _ -", nameof(options));
        }

        _options = options;
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<LiveSyncClient>();
        ClientId = options.ClientId;
    }

    /// <summary>Raised when the connection state changes.</summary>
    public event EventHandler<ConnectionStateChangedEventArgs>? StateChanged;

    /// <summary>This client's id, the same for the client's whole life.</summary>
    public string ClientId { get; }

    /// <summary>The connection state.</summary>
    public LiveSyncConnectionState State
    {
        get
        {
            lock (_stateGate)
            {
                return _state;
            }
        }
    }

    /// <summary>The hub URL: <c>{server}/hubs/livesync?clientId={id}</c>.</summary>
    public Uri HubUrl
    {
        get
        {
            var builder = new UriBuilder(_options.ServerUrl!);
            builder.Path = builder.Path.TrimEnd('/') + HubNames.Path;
            builder.Query = $"{HubNames.ClientIdQuery}={Uri.EscapeDataString(ClientId)}";
            return builder.Uri;
        }
    }

    /// <summary>
    /// Connects to the server. A failure of this first connect is thrown (nothing retries it); once connected,
    /// a lost connection is retried forever by <see cref="LiveSyncClientOptions.ReconnectPolicy"/>. Calling it
    /// when connected does nothing.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _connection ??= BuildConnection();
            if (_connection.State != HubConnectionState.Disconnected)
            {
                return;
            }

            ClientLog.Connecting(_logger, ClientId, _options.ServerUrl!.GetLeftPart(UriPartial.Path));
            SetState(LiveSyncConnectionState.Connecting, null);
            try
            {
                await _connection.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                SetState(LiveSyncConnectionState.Disconnected, ex);
                throw;
            }

            ClientLog.Connected(_logger);
            SetState(LiveSyncConnectionState.Connected, null);
            ResyncOpenDocuments();
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Opens the document <paramref name="docId"/> and waits until it is loaded; the same document object for the
    /// same id every time. With <see cref="LiveSyncOpenOptions.CreateType"/>, creates it when missing.
    /// </summary>
    /// <exception cref="LiveSyncException"><c>invalid_doc_id</c>, <c>forbidden</c> or another server error.</exception>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    public async Task<LiveSyncDocument> OpenAsync(string docId, LiveSyncOpenOptions? options = null, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var hub = _hub ?? throw new InvalidOperationException($"call {nameof(ConnectAsync)} before opening documents");

        var document = _documents.GetOrAdd(
            docId,
            id => new LiveSyncDocument(id, hub, _options.ConfirmTimeout, _loggerFactory.CreateLogger<LiveSyncDocument>()));
        await document.OpenCoreAsync(cancellationToken).ConfigureAwait(false);

        if (options?.CreateType is { } type && !document.Exists)
        {
            try
            {
                await document.CreateCoreAsync(type, options.CreateData, ignoreAlreadyExists: true).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (LiveSyncException ex) when (ex.Code == ErrorCodes.AlreadyExists)
            {
                // Another client created it first; the document has reloaded theirs.
            }
        }

        return document;
    }

    /// <summary>Stops the connection; open documents stop syncing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }

            SetState(LiveSyncConnectionState.Disconnected, null);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private HubConnection BuildConnection()
    {
        var builder = new HubConnectionBuilder()
            .WithLiveSyncWebSockets(HubUrl, o =>
            {
                o.AccessTokenProvider = _options.AccessTokenProvider;
                _options.ConfigureWebSockets?.Invoke(o);
            })
            .WithAutomaticReconnect(_options.ReconnectPolicy);
        if (_options.Protocol == LiveSyncProtocol.MessagePack)
        {
            // Registered after JSON (the builder's own), so it is the protocol the hub connection and the WebSocket
            // transport resolve, and the transport sends binary frames (it follows the protocol's transfer format).
            builder.AddLiveSyncMessagePackProtocol();
        }

        builder.Services.AddSingleton(_loggerFactory);
        _options.ConfigureConnection?.Invoke(builder);

        var connection = builder.Build();
        _hub = new HubConnectionSyncHub(connection, ClientId);

        connection.On<string, SequencedOp>(HubNames.OpMessage, (docId, op) =>
        {
            if (_documents.TryGetValue(docId, out var document))
            {
                document.Receive(op);
            }
        });
        connection.On<string, string, JsonElement?>(HubNames.PresenceMessage, (docId, clientId, presence) =>
        {
            if (_documents.TryGetValue(docId, out var document))
            {
                document.ReceivePresence(clientId, presence);
            }
        });
        connection.Reconnecting += error =>
        {
            ClientLog.Reconnecting(_logger, error);
            SetState(LiveSyncConnectionState.Reconnecting, error);
            foreach (var document in _documents.Values)
            {
                document.OnDisconnected();
            }

            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            ClientLog.Reconnected(_logger, _documents.Values.Count(d => d.IsOpen));
            SetState(LiveSyncConnectionState.Connected, null);
            ResyncOpenDocuments();
            return Task.CompletedTask;
        };
        connection.Closed += error =>
        {
            ClientLog.Closed(_logger, error);
            foreach (var document in _documents.Values)
            {
                document.OnDisconnected();
            }

            SetState(LiveSyncConnectionState.Disconnected, error);

            // HubConnection reconnects by itself only after a transport failure. When the server closes the
            // connection (it aborted it, or it is shutting down), it stays closed: start again ourselves.
            if (!_disposed)
            {
                _ = Task.Run(() => ReconnectAfterCloseAsync(error));
            }

            return Task.CompletedTask;
        };
        return connection;
    }

    /// <summary>Connects again after the connection closed for good, with the reconnect policy's delays, until it works or the client is disposed.</summary>
    private async Task ReconnectAfterCloseAsync(Exception? reason)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; !_disposed; attempt++)
        {
            var delay = _options.ReconnectPolicy.NextRetryDelay(new RetryContext
            {
                PreviousRetryCount = attempt,
                ElapsedTime = Stopwatch.GetElapsedTime(started),
                RetryReason = reason,
            });
            if (delay is null)
            {
                return;
            }

            await Task.Delay(delay.Value).ConfigureAwait(false);
            try
            {
                await ConnectAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!_disposed)
            {
                reason = ex;
                ClientLog.Reconnecting(_logger, ex);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <summary>After a (re)connect: every open document catches up and resubmits its change in flight.</summary>
    private void ResyncOpenDocuments()
    {
        foreach (var document in _documents.Values)
        {
            document.Resync();
        }
    }

    private void SetState(LiveSyncConnectionState state, Exception? error)
    {
        LiveSyncConnectionState previous;
        lock (_stateGate)
        {
            previous = _state;
            if (previous == state)
            {
                return;
            }

            _state = state;
        }

        try
        {
            StateChanged?.Invoke(this, new ConnectionStateChangedEventArgs(previous, state, error));
        }
        catch (Exception ex)
        {
            ClientLog.HandlerFailed(_logger, "(client)", ex);
        }
    }
}
