namespace LiveSync.Server.Storage;

/// <summary>
/// One entry of a document's op log, as the storage port sees it: the ordering fields it must index or check,
/// and the op's content as opaque bytes (<see cref="Payload"/>, encoded by <see cref="OpPayload"/>).
/// </summary>
/// <param name="V">The version this op produced.</param>
/// <param name="ClientId">The submitting client.</param>
/// <param name="Seq">That client's sequence number for it.</param>
/// <param name="BaseV">The version the client made it against, before the server transformed it.</param>
/// <param name="Ts">Server time of sequencing, ms since the Unix epoch.</param>
/// <param name="Payload">The encoded content (op, create or delete); stores keep it byte for byte.</param>
public sealed record StoredOp(long V, string ClientId, long Seq, long BaseV, long Ts, ReadOnlyMemory<byte> Payload);
