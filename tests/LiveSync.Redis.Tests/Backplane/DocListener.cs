using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// A stock SignalR client of one LiveSync server that records every <c>op</c> and <c>presence</c> message of one
/// document exactly as it arrives (no SDK in between to reorder, fetch or drop duplicates), with arrival times.
/// </summary>
internal sealed class DocListener : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly string _docId;
    private readonly List<(long V, long At)> _ops = [];
    private readonly List<(string ClientId, string? Presence, long At)> _presence = [];
    private readonly AsyncCondition _changed = new();
    private long _seq;
    private int _unavailable;

    private DocListener(HubConnection connection, string clientId, string docId)
    {
        _connection = connection;
        ClientId = clientId;
        _docId = docId;
        connection.On<string, JsonElement>(HubNames.OpMessage, (doc, op) =>
        {
            if (doc == _docId)
            {
                lock (_ops)
                {
                    _ops.Add((op.GetProperty("v").GetInt64(), Stopwatch.GetTimestamp()));
                }

                _changed.Pulse();
            }
        });
        connection.On<string, string, JsonElement?>(HubNames.PresenceMessage, (doc, client, presence) =>
        {
            if (doc == _docId)
            {
                lock (_presence)
                {
                    _presence.Add((client, presence is { ValueKind: not JsonValueKind.Null } p ? p.GetRawText() : null, Stopwatch.GetTimestamp()));
                }

                _changed.Pulse();
            }
        });
    }

    public string ClientId { get; }

    /// <summary>How many submissions the server answered unavailable (lost append races), each then resent.</summary>
    public int Unavailable => _unavailable;

    /// <summary>The versions received, in arrival order.</summary>
    public List<long> Versions
    {
        get
        {
            lock (_ops)
            {
                return [.. _ops.Select(o => o.V)];
            }
        }
    }

    public static async Task<DocListener> ConnectAsync(Uri server, string clientId, string docId)
    {
        var url = new Uri(server, $"{HubNames.Path}?{HubNames.ClientIdQuery}={clientId}");
        var listener = new DocListener(new HubConnectionBuilder().WithLiveSyncWebSockets(url).Build(), clientId, docId);
        await listener._connection.StartAsync().Within();
        return listener;
    }

    /// <summary>Opens the document; returns the presence map of the open result.</summary>
    public async Task<Dictionary<string, string>> OpenAsync()
    {
        var result = await _connection.InvokeAsync<JsonElement>(HubNames.Open, _docId, null).Within();
        return result.GetProperty("presence").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    public Task CloseAsync() => _connection.InvokeAsync(HubNames.Close, _docId).Within();

    /// <summary>Submits <paramref name="opJson"/> made at version <paramref name="v"/> with this client's next seq; returns (version, submit timestamp).</summary>
    public async Task<(long V, long SentAt)> SubmitAsync(long v, string? opJson, bool create = false)
    {
        var submission = new Submission
        {
            ClientId = ClientId,
            Seq = Interlocked.Increment(ref _seq),
            V = v,
            Op = create ? null : JsonElement.Parse(opJson!),
            Create = create ? new CreateSpec("text", JsonElement.Parse("\"\"")) : null,
        };
        var sentAt = Stopwatch.GetTimestamp();

        // Servers racing on one document may answer unavailable (nothing stored): the same submission is safe to resend.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await _connection.InvokeAsync<JsonElement>(HubNames.Submit, _docId, submission).Within();
                return (result.GetProperty("v").GetInt64(), sentAt);
            }
            catch (HubException ex) when (ex.Message.Contains(ErrorCodes.Unavailable + ":", StringComparison.Ordinal) && attempt < 50)
            {
                Interlocked.Increment(ref _unavailable);
                await Task.Delay(Random.Shared.Next(1, 10 * attempt));
            }
        }
    }

    public async Task<long> SetPresenceAsync(string json)
    {
        var sentAt = Stopwatch.GetTimestamp();
        await _connection.InvokeAsync(HubNames.SetPresence, _docId, JsonElement.Parse(json)).Within();
        return sentAt;
    }

    /// <summary>When version <paramref name="v"/> arrived, waiting for it up to <paramref name="limit"/>.</summary>
    public async Task<long> ArrivalOfAsync(long v, TimeSpan? limit = null)
    {
        long at = 0;
        await _changed.WaitAsync(
            () =>
            {
                lock (_ops)
                {
                    var found = _ops.FindIndex(o => o.V == v);
                    at = found < 0 ? 0 : _ops[found].At;
                    return found >= 0;
                }
            },
            limit ?? Bounded.Timeout,
            () => $"{ClientId} did not receive version {v}; got [{string.Join(", ", Versions)}]");
        return at;
    }

    /// <summary>Waits until every version <paramref name="from"/>..<paramref name="head"/> arrived.</summary>
    public Task AllVersionsAsync(long from, long head, TimeSpan? limit = null) => _changed.WaitAsync(
        () => Versions.Distinct().Count(v => v >= from && v <= head) == head - from + 1,
        limit ?? Bounded.Timeout,
        () => $"{ClientId} is missing versions up to {head}: got {Versions.Distinct().Count()} distinct");

    /// <summary>When a presence message for <paramref name="clientId"/> with <paramref name="presence"/> (null: left) arrived.</summary>
    public async Task<long> PresenceArrivalAsync(string clientId, string? presence, TimeSpan? limit = null)
    {
        long at = 0;
        await _changed.WaitAsync(
            () =>
            {
                lock (_presence)
                {
                    var found = _presence.FindIndex(p => p.ClientId == clientId && p.Presence == presence);
                    at = found < 0 ? 0 : _presence[found].At;
                    return found >= 0;
                }
            },
            limit ?? Bounded.Timeout,
            () => $"{ClientId} did not get presence {presence ?? "null"} of {clientId}");
        return at;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
