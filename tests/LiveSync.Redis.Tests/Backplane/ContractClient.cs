using System.Threading.Channels;
using LiveSync.Client.Transport;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>A stock SignalR client of <see cref="ContractHub"/> that records every <c>Hello</c> and <c>Marker</c> it receives.</summary>
public sealed class ContractClient : IAsyncDisposable
{
    public const string Hello = "Hello";
    public const string Marker = "Marker";

    private readonly HubConnection _connection;
    private readonly Channel<(string Method, string Value)> _received = Channel.CreateUnbounded<(string, string)>();

    private ContractClient(HubConnection connection, string name)
    {
        _connection = connection;
        Name = name;
        connection.On<string>(Hello, value => _received.Writer.TryWrite((Hello, value)));
        connection.On<string>(Marker, value => _received.Writer.TryWrite((Marker, value)));
    }

    public string Name { get; }

    public string ConnectionId { get; private set; } = "";

    public static async Task<ContractClient> ConnectAsync(ContractServer server, string name, string? user = null, bool messagePack = false)
    {
        var url = new Uri(server.BaseUri, ContractServer.HubPath + (user is null ? "" : "?user=" + user));
        var builder = new HubConnectionBuilder().WithLiveSyncWebSockets(url);
        if (messagePack)
        {
            builder.AddLiveSyncMessagePackProtocol();
        }

        var client = new ContractClient(builder.Build(), name);
        await client._connection.StartAsync().Within();
        client.ConnectionId = await client._connection.InvokeAsync<string>(nameof(ContractHub.WhoAmI)).Within();
        return client;
    }

    /// <summary>The <c>Hello</c> values received before the <c>Marker</c> with <paramref name="marker"/>, in order.</summary>
    public async Task<List<string>> HellosUntilMarkerAsync(string marker, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? Bounded.Timeout);
        var hellos = new List<string>();
        while (true)
        {
            (string Method, string Value) item;
            try
            {
                item = await _received.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} did not get marker {marker}; got hellos [{string.Join(", ", hellos)}]");
            }

            if (item.Method == Marker && item.Value == marker)
            {
                return hellos;
            }

            if (item.Method == Hello)
            {
                hellos.Add(item.Value);
            }
        }
    }

    /// <summary>Waits for the next <c>Hello</c>.</summary>
    public async Task<string> NextHelloAsync(TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? Bounded.Timeout);
        while (true)
        {
            var item = await _received.Reader.ReadAsync(timeout.Token);
            if (item.Method == Hello)
            {
                return item.Value;
            }
        }
    }

    /// <summary>The next <c>Hello</c>, or null if none arrives within <paramref name="limit"/>.</summary>
    public async Task<string?> TryNextHelloAsync(TimeSpan limit)
    {
        try
        {
            return await NextHelloAsync(limit);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
