namespace LiveSync.Redis.Resp;

/// <summary>The RESP2 reply types. A null bulk string or null array keeps its type and reports <see cref="RespValue.IsNull"/>.</summary>
public enum RespType
{
    /// <summary>A status line such as <c>OK</c> or <c>PONG</c> (<c>+</c> on the wire).</summary>
    SimpleString,

    /// <summary>An error reply such as <c>ERR unknown command</c> (<c>-</c> on the wire).</summary>
    Error,

    /// <summary>A signed 64-bit integer (<c>:</c> on the wire).</summary>
    Integer,

    /// <summary>A binary-safe string, possibly null (<c>$</c> on the wire).</summary>
    BulkString,

    /// <summary>An ordered list of replies, possibly null (<c>*</c> on the wire).</summary>
    Array,
}
