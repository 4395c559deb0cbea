using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Client;

/// <summary>The hub calls of <see cref="ISyncHub"/> on a SignalR hub connection; hub errors become <see cref="LiveSyncException"/>.</summary>
internal sealed class HubConnectionSyncHub(HubConnection connection, string clientId) : ISyncHub
{
    public string ClientId { get; } = clientId;

    public bool IsConnected => connection.State == HubConnectionState.Connected;

    public Task<OpenResult> OpenAsync(string docId, long? since, CancellationToken cancellationToken) =>
        InvokeAsync<OpenResult>(HubNames.Open, [docId, since], cancellationToken);

    public Task CloseAsync(string docId, CancellationToken cancellationToken) =>
        InvokeAsync<object>(HubNames.Close, [docId], cancellationToken);

    public Task<SubmitResult> SubmitAsync(string docId, Submission submission, CancellationToken cancellationToken) =>
        InvokeAsync<SubmitResult>(HubNames.Submit, [docId, submission], cancellationToken);

    public async Task<IReadOnlyList<SequencedOp>> FetchAsync(string docId, long from, long? to, CancellationToken cancellationToken) =>
        await InvokeAsync<SequencedOp[]>(HubNames.Fetch, [docId, from, to], cancellationToken).ConfigureAwait(false);

    public Task SetPresenceAsync(string docId, JsonElement? presence, CancellationToken cancellationToken) =>
        InvokeAsync<object>(HubNames.SetPresence, [docId, presence], cancellationToken);

    private async Task<T> InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken)
    {
        try
        {
            return (T)(await connection.InvokeCoreAsync(method, typeof(T), args, cancellationToken).ConfigureAwait(false))!;
        }
        catch (HubException ex) when (LiveSyncException.FromWireMessage(ex.Message) is { } error)
        {
            throw error;
        }
    }
}
