namespace LiveSync.Protocol;

/// <summary>The contract's rules for document ids and client ids.</summary>
public static class Identifiers
{
    /// <summary>The longest document id the contract allows.</summary>
    public const int MaxDocIdLength = 128;

    /// <summary>
    /// True when <paramref name="docId"/> is 1 to 128 characters of <c>A-Z a-z 0-9 . _ : -</c> starting with a
    /// letter or digit.
    /// </summary>
    public static bool IsValidDocId(string? docId)
    {
        if (string.IsNullOrEmpty(docId) || docId.Length > MaxDocIdLength || !char.IsAsciiLetterOrDigit(docId[0]))
        {
            return false;
        }

        foreach (var c in docId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="clientId"/> is 8 to 64 characters of <c>A-Z a-z 0-9 _ -</c>.</summary>
    public static bool IsValidClientId(string? clientId)
    {
        if (clientId is null || clientId.Length is < 8 or > 64)
        {
            return false;
        }

        foreach (var c in clientId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <c>invalid_doc_id</c> unless <paramref name="docId"/> follows the rule.</summary>
    public static string RequireDocId(string? docId)
    {
        if (!IsValidDocId(docId))
        {
            throw new LiveSyncException(
                ErrorCodes.InvalidDocId,
                "a document id is 1 to 128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit");
        }

        return docId!;
    }

    /// <summary>A fresh random client id (22 characters of base64url), as an SDK or the server picks one.</summary>
    public static string NewClientId()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
