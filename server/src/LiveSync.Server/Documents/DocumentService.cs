using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Diagnostics;
using LiveSync.Server.Sequencing;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Documents;

/// <summary>
/// What the hub and the HTTP API do to documents, in one place: submit through the sequencer, read state,
/// fetch ops, rebuild snapshots at a version. Arguments are already parsed; rules of the contract are checked here.
/// </summary>
internal sealed class DocumentService(DocumentSequencers sequencers, IOpLog store, LiveSyncMetrics metrics, ISubmitRouter router)
{
    private static readonly JsonElement JsonNull = JsonElement.Parse("null"u8);

    public async Task<SubmitOutcome> SubmitAsync(string docId, Submission submission)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The router may have the document's owning server sequence it (saving append races between servers);
            // null means here. Either way the outcome and its errors are reported the same.
            var outcome = await router.TrySubmitElsewhereAsync(docId, submission) ?? await sequencers.SubmitAsync(docId, submission);
            metrics.SubmitCompleted(Stopwatch.GetElapsedTime(started));
            return outcome;
        }
        catch (LiveSyncException ex)
        {
            metrics.SubmitFailed(ex.Code);
            throw;
        }
    }

    /// <summary>The document's latest state, caught up with the store (another server may have written it).</summary>
    public async Task<DocumentState> ReadLatestAsync(string docId)
    {
        var head = await store.ReadHeadAsync(docId);
        return await sequencers.ReadAsync(docId, head.V);
    }

    /// <summary>
    /// The state and, when <paramref name="since"/> is given and the ops after it are kept (and no more than a
    /// fetch page), those ops instead of the snapshot.
    /// </summary>
    public async Task<OpenResult> OpenAsync(string docId, long? since, IReadOnlyDictionary<string, JsonElement> presence)
    {
        var head = await store.ReadHeadAsync(docId);
        var state = await sequencers.ReadAsync(docId, head.V);
        if (since > state.V)
        {
            throw new LiveSyncException(ErrorCodes.VersionAhead, $"since {since} is above the document's version {state.V}");
        }

        if (since is { } from && from + 1 >= head.FirstKept && state.V - from <= HubNames.MaxFetch)
        {
            var ops = await ReadOpsAsync(docId, from + 1, state.V);
            if (ops.Count == state.V - from)
            {
                return new OpenResult { DocId = docId, Type = state.Type?.Name, V = state.V, Ops = ops, Presence = presence };
            }
        }

        return new OpenResult { DocId = docId, Type = state.Type?.Name, V = state.V, Data = DataOf(state), Presence = presence };
    }

    /// <summary>The ops with <paramref name="from"/> &lt;= v &lt;= <paramref name="to"/> (null: the head), at most one page.</summary>
    public async Task<IReadOnlyList<SequencedOp>> FetchAsync(string docId, long from, long? to)
    {
        if (from < 0 || to < 0)
        {
            throw new LiveSyncException(ErrorCodes.BadRequest, "from and to are versions: 0 or more");
        }

        var head = await store.ReadHeadAsync(docId);
        var last = Math.Min(to ?? head.V, head.V);
        var first = Math.Max(from, 1);
        if (first > last)
        {
            return [];
        }

        if (first < head.FirstKept)
        {
            throw new LiveSyncException(
                ErrorCodes.HistoryUnavailable,
                $"ops before version {head.FirstKept} are no longer kept; reload the snapshot");
        }

        return await ReadOpsAsync(docId, first, Math.Min(last, first + HubNames.MaxFetch - 1));
    }

    /// <summary>The snapshot at <paramref name="v"/> (null: the latest).</summary>
    public async Task<Snapshot> SnapshotAsync(string docId, long? v)
    {
        if (v < 0)
        {
            throw new LiveSyncException(ErrorCodes.BadRequest, "v is a version: 0 or more");
        }

        var latest = await ReadLatestAsync(docId);
        if (v is null || v == latest.V)
        {
            return ToSnapshot(docId, latest);
        }

        if (v > latest.V)
        {
            throw new LiveSyncException(ErrorCodes.VersionAhead, $"v {v} is above the document's version {latest.V}");
        }

        var target = v.Value;
        var stored = target == 0 ? null : await store.ReadSnapshotAsync(docId, target);
        var state = stored is null ? DocumentState.Empty : OpReplay.FromSnapshot(stored);
        while (state.V < target)
        {
            var ops = await store.ReadOpsAsync(docId, state.V + 1, target, HubNames.MaxFetch);
            if (ops.Count == 0 || ops[0].V != state.V + 1)
            {
                throw new LiveSyncException(
                    ErrorCodes.HistoryUnavailable,
                    $"the ops needed to rebuild version {target} are no longer kept");
            }

            foreach (var op in ops)
            {
                state = OpReplay.Apply(state, op, out _);
            }
        }

        return ToSnapshot(docId, state);
    }

    public static Snapshot ToSnapshot(string docId, DocumentState state) =>
        new(docId, state.Type?.Name, state.V, DataOf(state));

    public static JsonElement DataOf(DocumentState state)
    {
        if (state.Type is null)
        {
            return JsonNull;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            state.Type.WriteSnapshot(writer, state.Snapshot);
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private async Task<IReadOnlyList<SequencedOp>> ReadOpsAsync(string docId, long from, long to)
    {
        var stored = await store.ReadOpsAsync(docId, from, to, HubNames.MaxFetch);
        var ops = new SequencedOp[stored.Count];
        for (var i = 0; i < ops.Length; i++)
        {
            ops[i] = OpPayload.ToSequencedOp(stored[i]);
        }

        return ops;
    }
}
