using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Ot;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// Rebuilds document state from what a store holds: a stored snapshot, and stored ops applied one by one.
/// A stored op that does not apply is corruption, reported as <c>unavailable</c>: the log is never reinterpreted.
/// </summary>
internal static class OpReplay
{
    public static DocumentState FromSnapshot(StoredSnapshot snapshot)
    {
        if (snapshot.Type is null)
        {
            return new DocumentState(snapshot.V, null, null);
        }

        var type = ServerOtTypes.Find(snapshot.Type)
            ?? throw Corrupt($"a snapshot at version {snapshot.V} has an unknown type '{snapshot.Type}'");
        return new DocumentState(snapshot.V, type, type.ReadSnapshot(JsonElement.Parse(snapshot.Data.Span)));
    }

    /// <summary>Applies a stored op to <paramref name="state"/>, returning the new state and the parsed op.</summary>
    public static DocumentState Apply(DocumentState state, StoredOp stored, out AppliedOp applied)
    {
        if (stored.V != state.V + 1)
        {
            throw Corrupt($"the op log jumps from version {state.V} to {stored.V}");
        }

        var payload = stored.Payload.Span;
        try
        {
            switch (OpPayload.KindOf(payload))
            {
                case OpKind.Op:
                    var type = state.Type ?? throw Corrupt($"version {stored.V} edits a document that does not exist");
                    var op = type.ReadOp(OpPayload.ReadOp(stored.Payload));
                    applied = new AppliedOp(stored.V, OpKind.Op, type, op);
                    return new DocumentState(stored.V, type, type.Apply(state.Snapshot, op));
                case OpKind.Create:
                    var spec = OpPayload.ReadCreate(payload);
                    var created = ServerOtTypes.Find(spec.Type) ?? throw Corrupt($"version {stored.V} creates an unknown type '{spec.Type}'");
                    applied = new AppliedOp(stored.V, OpKind.Create, created, null);
                    return new DocumentState(stored.V, created, created.CreateSnapshot(spec.Data));
                default:
                    applied = new AppliedOp(stored.V, OpKind.Delete, null, null);
                    return new DocumentState(stored.V, null, null);
            }
        }
        catch (LiveSyncException ex) when (ex.Code == ErrorCodes.InvalidOp)
        {
            throw Corrupt($"version {stored.V} does not apply to version {state.V}: {ex.Message}");
        }
    }

    private static LiveSyncException Corrupt(string message) =>
        new(ErrorCodes.Unavailable, "the stored document is inconsistent: " + message);
}
