using System.Buffers;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Protocol.Ot;

namespace LiveSync.Client.Tests.Fakes;

/// <summary>
/// An in-memory LiveSync server with the contract's semantics (sequencing with left transforms, (client id, seq)
/// dedup, sequence gaps, Open with since, paged Fetch, presence), so the document's sync logic can be tested
/// without a network. Broadcasts go through each <see cref="FakeEndpoint"/>, which can drop or hold them.
/// </summary>
internal sealed class FakeServer
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Doc> _docs = new(StringComparer.Ordinal);

    public List<(string ClientId, long Seq, long V)> Submissions { get; } = [];

    public int FetchCalls { get; private set; }

    /// <summary>The next submission (not a resubmission) fails with this code.</summary>
    public string? RejectNextWith { get; set; }

    /// <summary>Answer Open(since) with a snapshot and Fetch with history_unavailable, as if the op log were trimmed.</summary>
    public bool HistoryTrimmed { get; set; }

    /// <summary>Runs after Open has read its answer and before it returns it: to make ops race the Open.</summary>
    public Action<string>? BeforeOpenReturns { get; set; }

    public FakeEndpoint Connect(string clientId) => new(this, clientId);

    public long VersionOf(string docId)
    {
        lock (_gate)
        {
            return GetDoc(docId).Log.Count;
        }
    }

    public string? TextOf(string docId)
    {
        lock (_gate)
        {
            return GetDoc(docId).Snapshot as string;
        }
    }

    public SubmitResult Submit(string docId, Submission submission)
    {
        lock (_gate)
        {
            var doc = GetDoc(docId);
            if (doc.Seen.TryGetValue((submission.ClientId, submission.Seq), out var first))
            {
                Submissions.Add((submission.ClientId, submission.Seq, first));
                return new SubmitResult(first);
            }

            if (RejectNextWith is { } code)
            {
                RejectNextWith = null;
                throw new LiveSyncException(code, "rejected by the test");
            }

            var last = doc.LastSeq.GetValueOrDefault(submission.ClientId);
            if (submission.Seq > last + 1)
            {
                throw new LiveSyncException(ErrorCodes.SequenceGap, $"seq {submission.Seq} after {last}");
            }

            if (submission.V > doc.Log.Count)
            {
                throw new LiveSyncException(ErrorCodes.VersionAhead, "ahead");
            }

            JsonElement? wireOp = null;
            if (submission.Create is { } create)
            {
                if (doc.Type is not null)
                {
                    throw new LiveSyncException(ErrorCodes.AlreadyExists, "exists");
                }

                doc.Type = create.Type;
                doc.Snapshot = OtTypes.Find(create.Type)!.CreateSnapshot(create.Data);
            }
            else if (submission.Del == true)
            {
                if (doc.Type is null)
                {
                    throw new LiveSyncException(ErrorCodes.NotFound, "missing");
                }

                (doc.Type, doc.Snapshot) = (null, null);
            }
            else
            {
                if (doc.Type is null)
                {
                    throw new LiveSyncException(ErrorCodes.NotFound, "missing");
                }

                var ot = OtTypes.Find(doc.Type)!;
                var op = ot.ReadOp(submission.Op!.Value);
                for (var v = submission.V; v < doc.Log.Count; v++)
                {
                    if (doc.Log[(int)v].Op is { } other)
                    {
                        op = ot.Transform(op, ot.ReadOp(other), TransformSide.Left);
                    }
                }

                doc.Snapshot = ot.Apply(doc.Snapshot, op);
                wireOp = ToJson(w => ot.WriteOp(w, op));
            }

            var sequenced = new SequencedOp
            {
                V = doc.Log.Count + 1,
                ClientId = submission.ClientId,
                Seq = submission.Seq,
                Op = wireOp,
                Create = submission.Create,
                Del = submission.Del,
                Ts = 0,
            };
            doc.Log.Add(sequenced);
            doc.LastSeq[submission.ClientId] = submission.Seq;
            doc.Seen[(submission.ClientId, submission.Seq)] = sequenced.V;
            Submissions.Add((submission.ClientId, submission.Seq, sequenced.V));

            // Delivered under the lock, so every subscriber gets the ops in version order.
            foreach (var subscriber in doc.Subscribers)
            {
                subscriber.Deliver(docId, sequenced);
            }

            return new SubmitResult(sequenced.V);
        }
    }

    /// <summary>Appends an op from <paramref name="clientId"/> at the head without telling anyone (a broadcast that never came).</summary>
    public void AppendQuietly(string docId, string clientId, TextOp op)
    {
        lock (_gate)
        {
            var doc = GetDoc(docId);
            var seq = doc.LastSeq.GetValueOrDefault(clientId) + 1;
            var subscribers = doc.Subscribers;
            doc.Subscribers = [];
            try
            {
                Submit(docId, new Submission { ClientId = clientId, Seq = seq, V = doc.Log.Count, Op = ToJson(op.WriteTo) });
            }
            finally
            {
                doc.Subscribers = subscribers;
            }
        }
    }

    public OpenResult Open(FakeEndpoint endpoint, string docId, long? since)
    {
        OpenResult result;
        lock (_gate)
        {
            var doc = GetDoc(docId);
            if (!doc.Subscribers.Contains(endpoint))
            {
                doc.Subscribers.Add(endpoint);
            }

            var presence = new Dictionary<string, JsonElement>(doc.Presence);
            if (since is { } from && from <= doc.Log.Count && !HistoryTrimmed)
            {
                result = new OpenResult { DocId = docId, Type = doc.Type, V = doc.Log.Count, Ops = doc.Log.Skip((int)from).ToList(), Presence = presence };
            }
            else
            {
                var ot = OtTypes.Find(doc.Type);
                JsonElement? data = ot is null ? null : ToJson(w => ot.WriteSnapshot(w, doc.Snapshot));
                result = new OpenResult { DocId = docId, Type = doc.Type, V = doc.Log.Count, Data = data, Presence = presence };
            }
        }

        BeforeOpenReturns?.Invoke(docId);
        return result;
    }

    public void Close(FakeEndpoint endpoint, string docId)
    {
        lock (_gate)
        {
            GetDoc(docId).Subscribers.Remove(endpoint);
        }
    }

    public IReadOnlyList<SequencedOp> Fetch(string docId, long from, long? to)
    {
        lock (_gate)
        {
            FetchCalls++;
            if (HistoryTrimmed)
            {
                throw new LiveSyncException(ErrorCodes.HistoryUnavailable, "trimmed");
            }

            var doc = GetDoc(docId);
            return doc.Log.Where(o => o.V >= from && o.V <= (to ?? long.MaxValue)).Take(HubNames.MaxFetch).ToList();
        }
    }

    public void SetPresence(FakeEndpoint endpoint, string docId, JsonElement? presence)
    {
        lock (_gate)
        {
            var doc = GetDoc(docId);
            if (presence is { } value)
            {
                doc.Presence[endpoint.ClientId] = value;
            }
            else
            {
                doc.Presence.Remove(endpoint.ClientId);
            }

            foreach (var subscriber in doc.Subscribers.Where(s => s != endpoint))
            {
                subscriber.DeliverPresence(docId, endpoint.ClientId, presence);
            }
        }
    }

    private static JsonElement ToJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private Doc GetDoc(string docId)
    {
        if (!_docs.TryGetValue(docId, out var doc))
        {
            _docs[docId] = doc = new Doc();
        }

        return doc;
    }

    private sealed class Doc
    {
        public List<SequencedOp> Log { get; } = [];

        public string? Type { get; set; }

        public object? Snapshot { get; set; }

        public Dictionary<string, long> LastSeq { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string, long), long> Seen { get; } = [];

        public List<FakeEndpoint> Subscribers { get; set; } = [];

        public Dictionary<string, JsonElement> Presence { get; } = new(StringComparer.Ordinal);
    }
}
