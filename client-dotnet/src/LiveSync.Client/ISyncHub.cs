using System.Text.Json;
using LiveSync.Protocol.Messages;

namespace LiveSync.Client;

/// <summary>
/// The hub calls a document makes, shaped like the contract's methods. The client implements it on a SignalR
/// hub connection; tests implement it in memory. Failed calls throw <see cref="LiveSync.Protocol.LiveSyncException"/>
/// when the server gave a code; any other exception means the call's fate is unknown (the connection broke).
/// </summary>
internal interface ISyncHub
{
    /// <summary>This client's id.</summary>
    string ClientId { get; }

    /// <summary>True while calls can be made.</summary>
    bool IsConnected { get; }

    Task<OpenResult> OpenAsync(string docId, long? since, CancellationToken cancellationToken);

    Task CloseAsync(string docId, CancellationToken cancellationToken);

    Task<SubmitResult> SubmitAsync(string docId, Submission submission, CancellationToken cancellationToken);

    Task<IReadOnlyList<SequencedOp>> FetchAsync(string docId, long from, long? to, CancellationToken cancellationToken);

    Task SetPresenceAsync(string docId, JsonElement? presence, CancellationToken cancellationToken);
}
