namespace LiveSync.Protocol;

/// <summary>
/// The error codes of the wire contract: the one table of them. A failed hub call's message is
/// <c>code: explanation</c>; over HTTP the body is <c>{ "code", "message" }</c> with <see cref="HttpStatus"/>.
/// </summary>
public static class ErrorCodes
{
    /// <summary>A missing or malformed argument (HTTP 400).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The document id breaks the id rule (HTTP 400).</summary>
    public const string InvalidDocId = "invalid_doc_id";

    /// <summary>The op is not valid for the document's type or content (HTTP 400).</summary>
    public const string InvalidOp = "invalid_op";

    /// <summary>No such document: an op or delete on an uncreated or deleted document (HTTP 404).</summary>
    public const string NotFound = "not_found";

    /// <summary>A create on a document that exists (HTTP 409).</summary>
    public const string AlreadyExists = "already_exists";

    /// <summary>The submission's <c>v</c> is above the document's version (HTTP 409).</summary>
    public const string VersionAhead = "version_ahead";

    /// <summary>The submission's <c>seq</c> skips ahead of that client's last one (HTTP 409).</summary>
    public const string SequenceGap = "sequence_gap";

    /// <summary>The ops needed are no longer kept: reload the snapshot (HTTP 410).</summary>
    public const string HistoryUnavailable = "history_unavailable";

    /// <summary>The op or the resulting document is over its limit (HTTP 413).</summary>
    public const string TooLarge = "too_large";

    /// <summary>The caller may not read or write this document (HTTP 403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>Too many calls; the message says when to retry (HTTP 429).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Storage cannot be reached; nothing was stored; retry (HTTP 503).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The HTTP status code the contract gives <paramref name="code"/>; 500 for a code it does not know.</summary>
    public static int HttpStatus(string code) => code switch
    {
        BadRequest or InvalidDocId or InvalidOp => 400,
        Forbidden => 403,
        NotFound => 404,
        AlreadyExists or VersionAhead or SequenceGap => 409,
        HistoryUnavailable => 410,
        TooLarge => 413,
        RateLimited => 429,
        Unavailable => 503,
        _ => 500,
    };
}
