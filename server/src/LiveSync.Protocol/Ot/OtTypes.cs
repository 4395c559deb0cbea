namespace LiveSync.Protocol.Ot;

/// <summary>The registry of OT types by wire name.</summary>
public static class OtTypes
{
    /// <summary>The <c>text</c> type (ot-text-unicode).</summary>
    public static IOtType Text => TextType.Instance;

    /// <summary>The <c>json</c> type (ot-json0).</summary>
    public static IOtType Json => JsonType.Instance;

    /// <summary>The <c>opaque</c> type.</summary>
    public static IOtType Opaque => OpaqueType.Instance;

    /// <summary>The type named <paramref name="name"/>, or null when this build has none by that name.</summary>
    public static IOtType? Find(string? name) => name switch
    {
        "text" => TextType.Instance,
        "json" => JsonType.Instance,
        "opaque" => OpaqueType.Instance,
        _ => null,
    };
}
