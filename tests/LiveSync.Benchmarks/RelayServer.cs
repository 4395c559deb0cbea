using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Benchmarks;

/// <summary>
/// The ceiling: a bare SignalR app whose hub only relays each submitted message to the document's group, with no
/// sequencing, no transform, no validation and no storage. Run as its own process (<c>--relay-server</c>) with the
/// same hub protocols (JSON, LiveSync's messagepack) and the same GC mode as LiveSync.Host.
/// </summary>
internal static class RelayServer
{
    public const string Flag = "--relay-server";
    public const string Path = "/hubs/relay";
    public const string Join = nameof(RelayHub.Join);
    public const string Submit = nameof(RelayHub.Submit);
    public const string OpMessage = "op";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args.Where(a => a != Flag).ToArray());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddSignalR().AddLiveSyncMessagePackProtocol();
        var app = builder.Build();
        app.MapHub<RelayHub>(Path);
        await app.RunAsync();
        return 0;
    }
}

/// <summary>Join a document's group; relay a message to everyone in it, the sender included (its "ack").</summary>
internal sealed class RelayHub : Hub
{
    public Task Join(string docId) => Groups.AddToGroupAsync(Context.ConnectionId, docId);

    public Task Submit(string docId, JsonElement message) => Clients.Group(docId).SendAsync(RelayServer.OpMessage, docId, message);
}
