using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// One reply from Redis. A struct so integers, status replies and nulls cost no allocation; a bulk string holds its
/// own byte array and an array its own element array, both owned by the value (safe to keep after the call).
/// </summary>
public readonly struct RespValue
{
    // string for SimpleString/Error, byte[] for BulkString, RespValue[] for Array; null for a null bulk or array.
    private readonly object? _payload;
    private readonly long _integer;

    private RespValue(RespType type, object? payload, long integer)
    {
        Type = type;
        _payload = payload;
        _integer = integer;
    }

    /// <summary>The reply's type.</summary>
    public RespType Type { get; }

    /// <summary>True for a null bulk string (<c>$-1</c>) or a null array (<c>*-1</c>), e.g. GET on a missing key.</summary>
    public bool IsNull => _payload is null && Type is RespType.BulkString or RespType.Array;

    /// <summary>True when this is an error reply (only seen nested in arrays or from non-throwing internal calls).</summary>
    public bool IsError => Type == RespType.Error;

    /// <summary>The element count of an array reply, 0 for a null array.</summary>
    /// <exception cref="InvalidOperationException">This is not an array.</exception>
    public int Length => Type == RespType.Array ? ((RespValue[]?)_payload)?.Length ?? 0 : throw NotA(RespType.Array);

    /// <summary>The elements of an array reply, empty for a null array.</summary>
    /// <exception cref="InvalidOperationException">This is not an array.</exception>
    public ReadOnlyMemory<RespValue> Elements => Type == RespType.Array ? (RespValue[]?)_payload : throw NotA(RespType.Array);

    /// <summary>The element at <paramref name="index"/> of an array reply.</summary>
    /// <exception cref="InvalidOperationException">This is not an array.</exception>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public RespValue this[int index] => Elements.Span[index];

    /// <summary>
    /// The reply as text: a bulk string decoded as UTF-8, a status or error line, or an integer in invariant digits;
    /// null for a null bulk string.
    /// </summary>
    /// <exception cref="InvalidOperationException">This is an array.</exception>
    public string? AsString() => Type switch
    {
        RespType.SimpleString or RespType.Error => (string)_payload!,
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.BulkString => _payload is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null,
        _ => throw new InvalidOperationException("An array reply has no single text value; read its Elements."),
    };

    /// <summary>The raw bytes of a bulk string (empty for a null one), or the UTF-8 of a status line.</summary>
    /// <exception cref="InvalidOperationException">This is an integer, an error or an array.</exception>
    public ReadOnlyMemory<byte> AsBytes() => Type switch
    {
        RespType.BulkString => (byte[]?)_payload,
        RespType.SimpleString => Encoding.UTF8.GetBytes((string)_payload!),
        _ => throw NotA(RespType.BulkString),
    };

    /// <summary>The reply as a number: an integer reply, or a bulk or status string holding decimal digits.</summary>
    /// <exception cref="InvalidOperationException">The reply is null, an array, an error, or not a number.</exception>
    public long AsInt64()
    {
        switch (Type)
        {
            case RespType.Integer:
                return _integer;
            case RespType.BulkString when _payload is byte[] bytes:
                if (Utf8Parser.TryParse(bytes, out long parsed, out var consumed) && consumed == bytes.Length)
                {
                    return parsed;
                }

                break;
            case RespType.SimpleString:
                if (long.TryParse((string)_payload!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var fromText))
                {
                    return fromText;
                }

                break;
        }

        throw new InvalidOperationException($"A {Type} reply{(IsNull ? " (null)" : "")} is not an integer.");
    }

    /// <summary>A readable rendering for debugging and test failures, e.g. <c>["1-0", ["f", "v"]]</c>.</summary>
    public override string ToString()
    {
        if (IsNull)
        {
            return "(nil)";
        }

        switch (Type)
        {
            case RespType.Array:
                var builder = new StringBuilder("[");
                var items = Elements.Span;
                for (var i = 0; i < items.Length; i++)
                {
                    builder.Append(i == 0 ? "" : ", ").Append(items[i].ToString());
                }

                return builder.Append(']').ToString();
            case RespType.BulkString:
                return "\"" + AsString() + "\"";
            case RespType.Error:
                return "(error) " + AsString();
            default:
                return AsString()!;
        }
    }

    internal static RespValue SimpleString(string text) => new(RespType.SimpleString, text, 0);

    internal static RespValue Error(string text) => new(RespType.Error, text, 0);

    internal static RespValue Integer(long value) => new(RespType.Integer, null, value);

    internal static RespValue BulkString(byte[]? bytes) => new(RespType.BulkString, bytes, 0);

    internal static RespValue Array(RespValue[]? items) => new(RespType.Array, items, 0);

    private InvalidOperationException NotA(RespType expected) =>
        new($"The reply is a {Type}, not a {expected}.");
}
