using LiveSync.Protocol.Ot;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// The OT types as the server holds documents in memory: <c>text</c> as <see cref="ChunkedTextType"/>, so an op on a
/// large document copies a chunk rather than the whole text; the others as <see cref="OtTypes"/> has them. Wire
/// formats and results are the same either way.
/// </summary>
internal static class ServerOtTypes
{
    /// <summary>The type named <paramref name="name"/>, or null when there is none by that name.</summary>
    public static IOtType? Find(string? name) => name == ChunkedTextType.Instance.Name ? ChunkedTextType.Instance : OtTypes.Find(name);
}
