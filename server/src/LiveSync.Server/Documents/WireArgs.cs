using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;

namespace LiveSync.Server.Documents;

/// <summary>
/// Strict parsing of call arguments as they arrive (JSON values, whichever hub protocol or HTTP carried them),
/// so a malformed one is a clear <c>bad_request</c> and never a binding error or a half-read value.
/// </summary>
internal static class WireArgs
{
    public static string DocId(JsonElement value) =>
        Identifiers.RequireDocId(value.ValueKind == JsonValueKind.String ? value.GetString() : null);

    /// <summary>A version argument: a whole number of 0 or more, or null/absent when <paramref name="optional"/>.</summary>
    public static long? Version(JsonElement value, string name, bool optional)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return optional ? null : throw BadRequest($"{name} is required");
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var v) && v >= 0)
        {
            return v;
        }

        throw BadRequest($"{name} must be a whole number of 0 or more");
    }

    /// <summary>
    /// A submission. Over HTTP the client id and seq may be left out (<paramref name="identityOptional"/>): the
    /// server then gives it a fresh client id and seq 1.
    /// </summary>
    public static Submission Submission(JsonElement value, bool identityOptional)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw BadRequest("the submission must be an object { clientId, seq, v, op | create | del }");
        }

        string? clientId = null;
        long? seq = null;
        long? v = null;
        JsonElement? op = null;
        CreateSpec? create = null;
        var del = false;
        var parts = 0;
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "clientId":
                    clientId = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (!Identifiers.IsValidClientId(clientId))
                    {
                        throw BadRequest("clientId must be 8 to 64 characters of A-Z a-z 0-9 _ -");
                    }

                    break;
                case "seq":
                    seq = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var s) && s >= 1
                        ? s
                        : throw BadRequest("seq must be a whole number of 1 or more");
                    break;
                case "v":
                    v = Version(property.Value, "v", optional: false);
                    break;
                case "op" when property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined):
                    op = property.Value.Clone();
                    parts++;
                    break;
                case "create" when property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined):
                    create = Create(property.Value);
                    parts++;
                    break;
                case "del" when property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False):
                    del = property.Value.ValueKind == JsonValueKind.True ? true : throw BadRequest("del must be true");
                    parts++;
                    break;
            }
        }

        if (parts != 1)
        {
            throw BadRequest("a submission has exactly one of op, create or del");
        }

        if (v is null)
        {
            throw BadRequest("v (the version the change was made against) is required");
        }

        if (clientId is null || seq is null)
        {
            if (!identityOptional || clientId is not null || seq is not null)
            {
                throw BadRequest("clientId and seq are required");
            }

            clientId = "http-" + Identifiers.NewClientId();
            seq = 1;
        }

        return new Submission { ClientId = clientId, Seq = seq.Value, V = v.Value, Op = op, Create = create, Del = del ? true : null };
    }

    private static CreateSpec Create(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("type"u8, out var type)
            || type.ValueKind != JsonValueKind.String)
        {
            throw BadRequest("create must be an object { type, data? }");
        }

        var data = value.TryGetProperty("data"u8, out var d) && d.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) ? d.Clone() : (JsonElement?)null;
        return new CreateSpec(type.GetString()!, data);
    }

    private static LiveSyncException BadRequest(string message) => new(ErrorCodes.BadRequest, message);
}
