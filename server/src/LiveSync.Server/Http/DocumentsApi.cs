using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LiveSync.Server.Http;

/// <summary>
/// The plain HTTP interface of the contract: read a snapshot, read ops, submit. Errors are
/// <c>{ "code", "message" }</c> with the contract's status code.
/// </summary>
internal static class DocumentsApi
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var docs = endpoints.MapGroup("/api/docs").AddEndpointFilter(MapErrorsAsync);

        docs.MapGet("/{docId}", async (string docId, HttpRequest request, DocumentService documents) =>
        {
            var id = Identifiers.RequireDocId(docId);
            return Results.Ok(await documents.SnapshotAsync(id, QueryVersion(request, "v")));
        });

        docs.MapGet("/{docId}/ops", async (string docId, HttpRequest request, DocumentService documents) =>
        {
            var id = Identifiers.RequireDocId(docId);
            return Results.Ok(await documents.FetchAsync(id, QueryVersion(request, "from") ?? 0, QueryVersion(request, "to")));
        });

        docs.MapPost("/{docId}/ops", async (string docId, HttpRequest request, DocumentService documents, IOptions<LiveSyncOptions> options) =>
        {
            var id = Identifiers.RequireDocId(docId);
            var body = await ReadBodyAsync(request, options.Value.MaxOpBytes * 2L + 4096);
            var submission = WireArgs.Submission(body, identityOptional: true);
            var outcome = await documents.SubmitAsync(id, submission);
            return Results.Ok(new SubmitResult(outcome.V));
        });
    }

    private static async ValueTask<object?> MapErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (LiveSyncException ex)
        {
            return Results.Json(new ErrorBody(ex.Code, ex.Message), statusCode: ErrorCodes.HttpStatus(ex.Code));
        }
    }

    private static long? QueryVersion(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0 || text == "null")
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new LiveSyncException(ErrorCodes.BadRequest, $"{name} must be a whole number of 0 or more");
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"the body is over the limit of {limit} bytes");
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new LiveSyncException(ErrorCodes.BadRequest, "the body is not JSON: " + ex.Message);
        }
    }
}
