using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Documents;
using LiveSync.Server.Presence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace LiveSync.Server.Hubs;

/// <summary>
/// The LiveSync hub at <c>/hubs/livesync</c>: a thin boundary that parses arguments, hands over to the
/// document service and replies. Arguments are taken as raw JSON values so that a malformed one becomes a
/// contract error (<c>bad_request</c>, <c>invalid_doc_id</c>) rather than a SignalR binding failure, whichever
/// hub protocol carried it. Failures reach the caller as <c>code: explanation</c> (see <see cref="LiveSyncHubFilter"/>).
/// </summary>
internal sealed class LiveSyncHub : Hub
{
    private readonly DocumentService _documents;
    private readonly PresenceTracker _presence;
    private readonly LiveSyncOptions _options;

    public LiveSyncHub(DocumentService documents, PresenceTracker presence, IOptions<LiveSyncOptions> options)
    {
        _documents = documents;
        _presence = presence;
        _options = options.Value;
    }

    private ConnectionState Connection => Context.Features.Get<ConnectionState>()!;

    /// <summary>Names the connection's client from the <c>clientId</c> query parameter, or gives it a fresh one.</summary>
    public override Task OnConnectedAsync()
    {
        var requested = Context.GetHttpContext()?.Request.Query[HubNames.ClientIdQuery].ToString();
        string clientId;
        if (string.IsNullOrEmpty(requested))
        {
            clientId = Identifiers.NewClientId();
        }
        else if (Identifiers.IsValidClientId(requested))
        {
            clientId = requested;
        }
        else
        {
            throw new HubException($"{ErrorCodes.BadRequest}: clientId must be 8 to 64 characters of A-Z a-z 0-9 _ -");
        }

        // A feature rather than an item: the connection's feature collection is there already (and has room), while
        // its Items dictionary is created on first use, a concurrent dictionary of about 600 bytes per connection.
        Context.Features.Set(new ConnectionState(clientId));
        return Task.CompletedTask;
    }

    /// <summary>Subscribes to a document and returns its state (or the ops since <paramref name="since"/>) and presence.</summary>
    public async Task<OpenResult> Open(JsonElement docId, JsonElement since)
    {
        var id = WireArgs.DocId(docId);
        var from = WireArgs.Version(since, "since", optional: true);
        var connection = Connection;

        // Subscribe before reading, so no op falls between the state read and the first broadcast; the client
        // drops broadcasts at or below the version it was given.
        await Groups.AddToGroupAsync(Context.ConnectionId, HubGroups.Document(id));
        lock (connection.Documents)
        {
            connection.Documents.Add(id);
        }

        return await _documents.OpenAsync(id, from, await _presence.OthersAsync(id, connection.ClientId));
    }

    /// <summary>Unsubscribes from a document and clears this client's presence on it.</summary>
    public async Task Close(JsonElement docId)
    {
        var id = WireArgs.DocId(docId);
        var connection = Connection;
        lock (connection.Documents)
        {
            connection.Documents.Remove(id);
        }

        await Groups.RemoveFromGroupAsync(Context.ConnectionId, HubGroups.Document(id));
        await ClearPresenceAsync(id, connection.ClientId);
    }

    /// <summary>Submits a change; returns the version it produced.</summary>
    public async Task<SubmitResult> Submit(JsonElement docId, JsonElement submission)
    {
        var id = WireArgs.DocId(docId);
        var parsed = WireArgs.Submission(submission, identityOptional: false);
        if (parsed.ClientId != Connection.ClientId)
        {
            throw new LiveSyncException(ErrorCodes.BadRequest, "the submission's clientId is not this connection's client id");
        }

        var outcome = await _documents.SubmitAsync(id, parsed);
        return new SubmitResult(outcome.V);
    }

    /// <summary>The ops with <paramref name="from"/> &lt;= v &lt;= <paramref name="to"/>, at most 1000.</summary>
    public async Task<IReadOnlyList<SequencedOp>> Fetch(JsonElement docId, JsonElement from, JsonElement to)
    {
        var id = WireArgs.DocId(docId);
        return await _documents.FetchAsync(id, WireArgs.Version(from, "from", optional: false)!.Value, WireArgs.Version(to, "to", optional: true));
    }

    /// <summary>The snapshot at version <paramref name="v"/> (null: the latest).</summary>
    public Task<Snapshot> Snapshot(JsonElement docId, JsonElement v) =>
        _documents.SnapshotAsync(WireArgs.DocId(docId), WireArgs.Version(v, "v", optional: true));

    /// <summary>Sets (or, with null, clears) this client's presence on a document, telling its other subscribers.</summary>
    public async Task SetPresence(JsonElement docId, JsonElement presence)
    {
        var id = WireArgs.DocId(docId);
        var connection = Connection;
        if (presence.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            await ClearPresenceAsync(id, connection.ClientId);
            return;
        }

        var size = presence.GetRawText().Length;
        if (size > _options.MaxPresenceBytes)
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"presence is {size} bytes, over the limit of {_options.MaxPresenceBytes}");
        }

        lock (connection.Documents)
        {
            connection.Documents.Add(id);
        }

        await _presence.SetAsync(id, connection.ClientId, Context.ConnectionId, presence);
        await Clients.OthersInGroup(HubGroups.Document(id)).SendAsync(HubNames.PresenceMessage, id, connection.ClientId, presence);
    }

    /// <summary>This connection's client id.</summary>
    public WhoAmIResult WhoAmI() => new(Connection.ClientId);

    /// <summary>Clears this connection's presence everywhere, telling the other subscribers.</summary>
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Features.Get<ConnectionState>() is { } connection)
        {
            string[] documents;
            lock (connection.Documents)
            {
                documents = [.. connection.Documents];
            }

            foreach (var docId in documents)
            {
                await ClearPresenceAsync(docId, connection.ClientId);
            }
        }
    }

    private async Task ClearPresenceAsync(string docId, string clientId)
    {
        if (!await _presence.RemoveAsync(docId, clientId, Context.ConnectionId))
        {
            return;
        }

        await Clients.Group(HubGroups.Document(docId)).SendAsync(HubNames.PresenceMessage, docId, clientId, null);
    }
}
