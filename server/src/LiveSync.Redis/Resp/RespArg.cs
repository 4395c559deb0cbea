using System.Buffers.Text;
using System.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// One argument of a command: text (sent as UTF-8), a 64-bit integer (sent as decimal digits) or raw bytes. Converts
/// implicitly from <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="byte"/>[] and
/// <see cref="ReadOnlyMemory{T}"/> of bytes, so <c>ExecuteAsync("SET", key, 42)</c> neither boxes nor allocates:
/// arguments are written straight into the connection's pooled output buffer.
/// </summary>
public readonly struct RespArg
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly Kind _kind;

    private RespArg(string? text, ReadOnlyMemory<byte> bytes, long integer, Kind kind)
    {
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _kind = kind;
    }

    private enum Kind : byte
    {
        Bytes,
        Text,
        Integer,
    }

    /// <summary>The text argument, or null when the argument is bytes or an integer; used to name a command in errors.</summary>
    internal string? Text => _kind == Kind.Text ? _text : null;

    /// <summary>A text argument, sent as UTF-8.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static implicit operator RespArg(string value) =>
        new(value ?? throw new ArgumentNullException(nameof(value)), default, 0, Kind.Text);

    /// <summary>An integer argument, sent as invariant decimal digits.</summary>
    public static implicit operator RespArg(long value) => new(null, default, value, Kind.Integer);

    /// <summary>An integer argument, sent as invariant decimal digits.</summary>
    public static implicit operator RespArg(int value) => new(null, default, value, Kind.Integer);

    /// <summary>A binary argument, sent as is. The bytes are copied when the command is queued, so they may be reused after.</summary>
    public static implicit operator RespArg(ReadOnlyMemory<byte> value) => new(null, value, 0, Kind.Bytes);

    /// <summary>A binary argument, sent as is (an empty string for null). The bytes are copied when the command is queued.</summary>
    public static implicit operator RespArg(byte[]? value) => new(null, value, 0, Kind.Bytes);

    /// <summary>Creates a text argument; the named alternative to the implicit conversion.</summary>
    public static RespArg FromString(string value) => value;

    /// <summary>Creates an integer argument; the named alternative to the implicit conversion.</summary>
    public static RespArg FromInt64(long value) => value;

    /// <summary>Creates a binary argument; the named alternative to the implicit conversion.</summary>
    public static RespArg FromBytes(ReadOnlyMemory<byte> value) => value;

    /// <summary>The number of payload bytes this argument puts on the wire.</summary>
    internal int GetByteCount() => _kind switch
    {
        Kind.Text => Encoding.UTF8.GetByteCount(_text!),
        Kind.Integer => CountDigits(_integer),
        _ => _bytes.Length,
    };

    /// <summary>Writes the payload into <paramref name="destination"/>, which holds at least <see cref="GetByteCount"/> bytes.</summary>
    internal int Write(Span<byte> destination)
    {
        switch (_kind)
        {
            case Kind.Text:
                return Encoding.UTF8.GetBytes(_text!, destination);
            case Kind.Integer:
                Utf8Formatter.TryFormat(_integer, destination, out var written);
                return written;
            default:
                _bytes.Span.CopyTo(destination);
                return _bytes.Length;
        }
    }

    private static int CountDigits(long value)
    {
        if (value == long.MinValue)
        {
            return 20;
        }

        var digits = value < 0 ? 2 : 1;
        var magnitude = (ulong)Math.Abs(value);
        while (magnitude >= 10)
        {
            magnitude /= 10;
            digits++;
        }

        return digits;
    }
}
