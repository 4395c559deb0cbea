using System.Text.Json;
using LiveSync.Client.Transport;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Redis.Tests.Infrastructure;

/// <summary>
/// A stock SignalR <see cref="HubConnection"/> to one LiveSync server, named by a client id, with the few hub calls
/// the tests make. Every call is bounded.
/// </summary>
internal sealed class HubClient : IAsyncDisposable
{
    private readonly HubConnection _connection;

    private HubClient(HubConnection connection, string clientId)
    {
        _connection = connection;
        ClientId = clientId;
    }

    public string ClientId { get; }

    public static async Task<HubClient> ConnectAsync(Uri server, string clientId)
    {
        var url = new Uri(server, $"{HubNames.Path}?{HubNames.ClientIdQuery}={clientId}");
        var connection = new HubConnectionBuilder().WithLiveSyncWebSockets(url).Build();
        await connection.StartAsync().Within();
        return new HubClient(connection, clientId);
    }

    /// <summary>Submits and returns the version the submission produced.</summary>
    public async Task<long> SubmitAsync(string docId, Submission submission)
    {
        var result = await _connection.InvokeAsync<JsonElement>(HubNames.Submit, docId, submission).Within();
        return result.GetProperty("v").GetInt64();
    }

    /// <summary>
    /// Submits, resubmitting the same submission while the server answers <c>unavailable</c> (the protocol makes that
    /// safe: a stored (clientId, seq) is never stored twice). <paramref name="onUnavailable"/> counts those answers.
    /// </summary>
    public async Task<long> SubmitUntilStoredAsync(string docId, Submission submission, Action<string>? onUnavailable = null, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SubmitAsync(docId, submission);
            }
            catch (HubException ex) when (IsUnavailable(ex) && DateTime.UtcNow < deadline)
            {
                onUnavailable?.Invoke(ex.Message);
                await Task.Delay(Math.Min(10 * (attempt + 1), 200));
            }
        }
    }

    /// <summary>The latest snapshot: (type, v, data).</summary>
    public async Task<(string? Type, long V, JsonElement Data)> SnapshotAsync(string docId)
    {
        var result = await _connection.InvokeAsync<JsonElement>(HubNames.Snapshot, docId, null).Within();
        var type = result.GetProperty("type");
        return (type.ValueKind == JsonValueKind.Null ? null : type.GetString(), result.GetProperty("v").GetInt64(), result.GetProperty("data").Clone());
    }

    /// <summary>The latest snapshot of a text document, retried while the server answers <c>unavailable</c>.</summary>
    public async Task<(long V, string Text)> TextUntilAvailableAsync(string docId, Action<string>? onUnavailable = null, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var (_, v, data) = await SnapshotAsync(docId);
                return (v, data.GetString()!);
            }
            catch (HubException ex) when (IsUnavailable(ex) && DateTime.UtcNow < deadline)
            {
                onUnavailable?.Invoke(ex.Message);
                await Task.Delay(Math.Min(10 * (attempt + 1), 200));
            }
        }
    }

    public static bool IsUnavailable(Exception ex) => ex.Message.Contains(ErrorCodes.Unavailable + ":", StringComparison.Ordinal);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
