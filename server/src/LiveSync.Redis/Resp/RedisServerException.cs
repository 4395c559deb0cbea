namespace LiveSync.Redis.Resp;

/// <summary>
/// Redis answered a command with an error reply. <see cref="Exception.Message"/> is the error exactly as Redis sent
/// it, e.g. <c>WRONGTYPE Operation against a key holding the wrong kind of value</c>. The connection stays usable.
/// </summary>
public sealed class RedisServerException : Exception
{
    /// <summary>Creates the exception for the Redis error text <paramref name="message"/>.</summary>
    public RedisServerException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// The error's first word, which Redis uses as its code: <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, <c>BUSY</c>...
    /// </summary>
    public string Prefix
    {
        get
        {
            var space = Message.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Message : Message[..space];
        }
    }
}
