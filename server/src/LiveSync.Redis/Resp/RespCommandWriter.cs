using System.Buffers;
using System.Buffers.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// Serialises a command as RESP: an array of bulk strings, <c>*&lt;argc&gt;\r\n</c> then <c>$&lt;len&gt;\r\n&lt;bytes&gt;\r\n</c>
/// per argument (see <see cref="RespParser"/> for the whole format), straight into a pooled buffer.
/// </summary>
internal static class RespCommandWriter
{
    /// <summary>A marker, up to 11 digits of length, and CR LF.</summary>
    private const int MaxHeaderLength = 1 + 11 + 2;

    /// <summary>Appends <paramref name="args"/> (the command name first) as one RESP command.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<RespArg> args)
    {
        WriteHeader(output, (byte)'*', args.Length);
        foreach (ref readonly var arg in args)
        {
            var length = arg.GetByteCount();
            WriteHeader(output, (byte)'$', length);
            var span = output.GetSpan(length + 2);
            var written = arg.Write(span);
            "\r\n"u8.CopyTo(span[written..]);
            output.Advance(written + 2);
        }
    }

    private static void WriteHeader(IBufferWriter<byte> output, byte marker, int length)
    {
        var span = output.GetSpan(MaxHeaderLength);
        span[0] = marker;
        Utf8Formatter.TryFormat(length, span[1..], out var digits);
        "\r\n"u8.CopyTo(span[(1 + digits)..]);
        output.Advance(1 + digits + 2);
    }
}
