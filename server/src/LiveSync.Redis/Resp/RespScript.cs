using System.Security.Cryptography;
using System.Text;

namespace LiveSync.Redis.Resp;

/// <summary>
/// A Lua script with its SHA1 computed once. <see cref="RespConnection.EvaluateAsync"/> runs it with EVALSHA, so only
/// the 40-byte hash travels, and falls back to EVAL (which also caches it again) when Redis answers NOSCRIPT, as it
/// does after a restart or SCRIPT FLUSH. Create one per script and keep it, typically in a static field.
/// </summary>
public sealed class RespScript
{
    /// <summary>Prepares <paramref name="source"/>; does no I/O.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is null or blank.</exception>
    public RespScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
        SourceBytes = Encoding.UTF8.GetBytes(source);
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(SourceBytes.Span));
        Sha1Bytes = Encoding.ASCII.GetBytes(Sha1);
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>The lower-case hex SHA1 of the UTF-8 source, the name Redis caches the script under.</summary>
    public string Sha1 { get; }

    /// <summary>The UTF-8 source, cached so an EVAL fallback does not encode the script again.</summary>
    internal ReadOnlyMemory<byte> SourceBytes { get; }

    /// <summary>The hex SHA1 as bytes, cached so each EVALSHA does not encode the hash again.</summary>
    internal ReadOnlyMemory<byte> Sha1Bytes { get; }
}
