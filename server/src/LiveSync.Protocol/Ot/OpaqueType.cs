using System.Text.Json;

namespace LiveSync.Protocol.Ot;

/// <summary>
/// The <c>opaque</c> type: any JSON value is an op; the server orders and stores it but never transforms or
/// applies it. For updates that merge by themselves, such as CRDT (Yjs) updates. The snapshot is always null.
/// </summary>
public sealed class OpaqueType : OtType<object?, JsonElement>
{
    /// <summary>The one instance.</summary>
    public static readonly OpaqueType Instance = new();

    /// <inheritdoc />
    public override string Name => "opaque";

    /// <inheritdoc />
    public override bool CanCompose => false;

    /// <inheritdoc />
    public override object? Create(JsonElement? data) => null;

    /// <inheritdoc />
    public override object? Read(JsonElement data) => null;

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, object? snapshot) => writer.WriteNullValue();

    /// <inheritdoc />
    public override JsonElement Parse(JsonElement op) => op.Clone();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, JsonElement op) => op.WriteTo(writer);

    /// <inheritdoc />
    public override object? Apply(object? snapshot, JsonElement op) => null;

    /// <inheritdoc />
    public override JsonElement Transform(JsonElement op, JsonElement other, TransformSide side) => op;

    /// <inheritdoc />
    public override JsonElement Compose(JsonElement first, JsonElement second) =>
        throw Invalid("opaque ops do not compose");

    /// <inheritdoc />
    public override long Size(object? snapshot) => 0;
}
