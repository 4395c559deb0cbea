namespace LiveSync.Redis.Resp;

/// <summary>
/// The connection to Redis could not be opened, was lost while a command waited for its reply, or is down while the
/// client reconnects. Commands issued while the connection is down fail at once with this exception rather than
/// waiting; they may be retried once the connection's <c>ConnectionRestored</c> event has fired.
/// </summary>
public sealed class RedisConnectionException : Exception
{
    /// <summary>Creates the exception with an explanation and, when there is one, the socket or protocol failure behind it.</summary>
    public RedisConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
