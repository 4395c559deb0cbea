namespace LiveSync.Protocol.MessagePack;

/// <summary>The format family of a MessagePack value, as <see cref="MessagePackReader.PeekType"/> reports it.</summary>
public enum MessagePackType
{
    /// <summary>Not a valid first byte (<c>0xc1</c>, which the spec never uses).</summary>
    Unknown = 0,

    /// <summary><c>nil</c>.</summary>
    Nil,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Any of the integer formats: fixint, uint 8 to 64, int 8 to 64.</summary>
    Integer,

    /// <summary>float 32 or float 64.</summary>
    Float,

    /// <summary>A UTF-8 string: fixstr or str 8 to 32.</summary>
    String,

    /// <summary>A byte array: bin 8 to 32.</summary>
    Binary,

    /// <summary>An array: fixarray or array 16 / 32.</summary>
    Array,

    /// <summary>A map: fixmap or map 16 / 32.</summary>
    Map,

    /// <summary>An extension: fixext 1 to 16 or ext 8 to 32, the timestamp (type -1) among them.</summary>
    Extension,
}
