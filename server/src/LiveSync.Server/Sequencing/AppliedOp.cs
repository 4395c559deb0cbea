using LiveSync.Protocol.Ot;
using LiveSync.Server.Storage;

namespace LiveSync.Server.Sequencing;

/// <summary>An op the sequencer has applied, kept parsed so later submissions transform over it without re-parsing.</summary>
/// <param name="V">The version it produced.</param>
/// <param name="Kind">Op, create or delete.</param>
/// <param name="Type">The document's type the op belongs to (for an op), or the created type.</param>
/// <param name="Op">The parsed op (for <see cref="OpKind.Op"/>).</param>
internal readonly record struct AppliedOp(long V, OpKind Kind, IOtType? Type, object? Op);
