using System.Collections.Concurrent;
using System.Text.Json;
using LiveSync.Protocol;
using LiveSync.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveSync.Client.Tests;

/// <summary>
/// End to end: the SDK over the messagepack hub protocol next to an SDK client over JSON, on one document of a real
/// LiveSync server on a loopback port.
/// </summary>
public sealed class MessagePackEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "livesync-msgpack-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly TransferFormatRecorder _formats = new();
    private WebApplication _app = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddLiveSync(o => o.DataDir = _dataDir);
        builder.Services.AddSignalR(o => o.AddFilter(_formats));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.MapLiveSync();
        await _app.StartAsync().Bounded();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync().Bounded();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public void MessagePackIsTheDefaultProtocol()
    {
        Assert.Equal(LiveSyncProtocol.MessagePack, new LiveSyncClientOptions().Protocol);
    }

    [Fact]
    public async Task AMessagePackClientAndAJsonClientEditOneDocumentAndConverge()
    {
        var binaryLog = new RecordingLoggerProvider();
        using var binaryLoggers = LoggerFactory.Create(b => b.AddProvider(binaryLog).SetMinimumLevel(LogLevel.Information));
        var jsonLog = new RecordingLoggerProvider();
        using var jsonLoggers = LoggerFactory.Create(b => b.AddProvider(jsonLog).SetMinimumLevel(LogLevel.Information));
        await using var binary = await ConnectAsync(new LiveSyncClientOptions { ServerUrl = _url, LoggerFactory = binaryLoggers });
        await using var json = await ConnectAsync(new LiveSyncClientOptions { ServerUrl = _url, Protocol = LiveSyncProtocol.Json, LoggerFactory = jsonLoggers });

        // Each side speaks the protocol it was given: the server saw the handshakes, the SDK's transport chose the frames.
        Assert.Equal(TransferFormat.Binary, _formats.Of(binary.ClientId));
        Assert.Equal(TransferFormat.Text, _formats.Of(json.ClientId));
        Assert.Contains(binaryLog.Messages, m => m.Contains("with Binary frames", StringComparison.Ordinal));
        Assert.Contains(jsonLog.Messages, m => m.Contains("with Text frames", StringComparison.Ordinal));

        var docId = "mp-e2e-" + Guid.NewGuid().ToString("N");
        var b = await binary.OpenAsync(docId, new LiveSyncOpenOptions { CreateType = "text", CreateData = JsonSerializer.SerializeToElement("héllo 👋") }).Bounded();
        var j = await json.OpenAsync(docId).Bounded();
        Assert.Equal("héllo 👋", j.Text);

        // Concurrent edits from both sides, with text outside ASCII and the BMP, and removals: every op is transformed
        // on the server against ops that came over the other protocol.
        var edits = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            edits.Add(b.InsertAsync(0, i % 2 == 0 ? "é" : "🎉"));
            edits.Add(j.InsertAsync(CodePoints(j.Text!), "ab"));
            if (i % 5 == 4)
            {
                edits.Add(j.RemoveAsync(0, 1));
            }
        }

        await Task.WhenAll(edits).Bounded();
        await Task.WhenAll(b.WhenSettledAsync(), j.WhenSettledAsync()).Bounded();
        var head = Math.Max(b.Version, j.Version);
        await b.WaitForVersionAsync(head, TestTimeouts.Default).Bounded();
        await j.WaitForVersionAsync(head, TestTimeouts.Default).Bounded();

        Assert.Equal(j.Text, b.Text);
        Assert.True(b.Version > 2, "both clients' changes reached the server"); // queued local changes are sent composed
        Assert.Equal(7 + 20 + 40 - 4, CodePoints(b.Text!)); // "héllo 👋" is 7 code points
        Assert.EndsWith("o 👋" + string.Concat(Enumerable.Repeat("ab", 20)), b.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PresenceAndErrorsCrossBetweenTheProtocols()
    {
        await using var binary = await ConnectAsync(new LiveSyncClientOptions { ServerUrl = _url });
        await using var json = await ConnectAsync(new LiveSyncClientOptions { ServerUrl = _url, Protocol = LiveSyncProtocol.Json });
        var docId = "mp-presence-" + Guid.NewGuid().ToString("N");
        var j = await json.OpenAsync(docId, new LiveSyncOpenOptions { CreateType = "text" }).Bounded();
        var b = await binary.OpenAsync(docId).Bounded();

        var seenByJson = new TaskCompletionSource<PresenceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        j.PresenceChanged += (_, e) => seenByJson.TrySetResult(e);
        var seenByBinary = new TaskCompletionSource<PresenceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PresenceChanged += (_, e) => seenByBinary.TrySetResult(e);

        await b.SetPresenceAsync(JsonSerializer.SerializeToElement(new { cursor = 3, name = "Zoë", ratio = 0.5 })).Bounded();
        var atJson = await seenByJson.Task.Bounded();
        Assert.Equal(binary.ClientId, atJson.ClientId);
        Assert.Equal(3, j.Presence[binary.ClientId].GetProperty("cursor").GetInt32());
        Assert.Equal("Zoë", j.Presence[binary.ClientId].GetProperty("name").GetString());
        Assert.Equal(0.5, j.Presence[binary.ClientId].GetProperty("ratio").GetDouble());

        await j.SetPresenceAsync(JsonSerializer.SerializeToElement(new[] { 1, 2 })).Bounded();
        var atBinary = await seenByBinary.Task.Bounded();
        Assert.Equal(json.ClientId, atBinary.ClientId);
        Assert.Equal(2, b.Presence[json.ClientId][1].GetInt32());

        // A server error reaches the messagepack client as the same LiveSyncException, code included.
        var error = await Assert.ThrowsAsync<LiveSyncException>(
            () => binary.OpenAsync("mp-bad-" + Guid.NewGuid().ToString("N"), new LiveSyncOpenOptions { CreateType = "nosuchtype" }).Bounded());
        Assert.Equal(ErrorCodes.InvalidOp, error.Code);
    }

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    private static async Task<LiveSyncClient> ConnectAsync(LiveSyncClientOptions options)
    {
        var client = new LiveSyncClient(options);
        await client.ConnectAsync().Bounded();
        return client;
    }

    /// <summary>Records, per client id, the transfer format the server's connection settled on at the handshake.</summary>
    private sealed class TransferFormatRecorder : IHubFilter
    {
        private readonly ConcurrentDictionary<string, TransferFormat> _formats = new(StringComparer.Ordinal);

        public TransferFormat? Of(string clientId) => _formats.TryGetValue(clientId, out var format) ? format : null;

        public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
        {
            var clientId = context.Context.GetHttpContext()?.Request.Query["clientId"].ToString();
            var format = context.Context.Features.Get<ITransferFormatFeature>()?.ActiveFormat;
            if (clientId is not null && format is { } f)
            {
                _formats[clientId] = f;
            }

            return next(context);
        }
    }

    /// <summary>Keeps every formatted log message.</summary>
    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
