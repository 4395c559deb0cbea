namespace LiveSync.Protocol;

/// <summary>
/// A domain failure with a stable <see cref="Code"/> from <see cref="ErrorCodes"/>. The server turns it into a
/// hub error <c>code: message</c> or an HTTP error body; the SDKs raise it from a failed call.
/// </summary>
public sealed class LiveSyncException : Exception
{
    /// <summary>Creates a failure with <paramref name="code"/> (one of <see cref="ErrorCodes"/>) and an explanation.</summary>
    public LiveSyncException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The contract's error code, e.g. <c>invalid_op</c>.</summary>
    public string Code { get; }

    /// <summary>The wire form, <c>code: explanation</c>.</summary>
    public string WireMessage => $"{Code}: {Message}";

    /// <summary>
    /// Parses a wire message of the form <c>code: explanation</c> (possibly prefixed by SignalR's
    /// "An unexpected error occurred invoking 'X' on the server. HubException: "). Returns null when the text
    /// carries no known code.
    /// </summary>
    public static LiveSyncException? FromWireMessage(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        const string hubExceptionMarker = "HubException: ";
        var marker = text.LastIndexOf(hubExceptionMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            text = text[(marker + hubExceptionMarker.Length)..];
        }

        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var code = text[..colon];
        return ErrorCodes.HttpStatus(code) == 500 ? null : new LiveSyncException(code, text[(colon + 2)..]);
    }
}
