using LiveSync.Client.Transport;
using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Client.Tests.Transport;

public sealed class WebSocketConnectionFactoryTests : IAsyncLifetime
{
    private EchoServer _server = null!;

    public async Task InitializeAsync() => _server = await EchoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InvokesAHubMethod()
    {
        await using var connection = Connect(_server.HubUrl);
        await connection.StartAsync().Bounded();

        Assert.Equal("hello ✨", await connection.InvokeAsync<string>("Echo", "hello ✨").Bounded());
    }

    [Fact]
    public async Task CarriesAMessageLargerThanOneReceiveBuffer()
    {
        await using var connection = Connect(_server.HubUrl);
        await connection.StartAsync().Bounded();

        var big = new string('x', 200_000);
        Assert.Equal(big, await connection.InvokeAsync<string>("Echo", big).Bounded());
    }

    [Fact]
    public async Task ReceivesAServerSentMessage()
    {
        await using var connection = Connect(_server.HubUrl);
        var told = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>("told", text => told.TrySetResult(text));
        await connection.StartAsync().Bounded();

        await connection.InvokeAsync("Tell", "news").Bounded();

        Assert.Equal("news", await told.Task.Bounded());
    }

    [Fact]
    public async Task ReportsAServerSideClose()
    {
        await using var connection = Connect(_server.HubUrl);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync().Bounded();

        await connection.SendAsync("Leave").Bounded();

        await closed.Task.Bounded();
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task StopsCleanlyAndTheServerSeesIt()
    {
        await using var connection = Connect(_server.HubUrl);
        await connection.StartAsync().Bounded();
        var id = connection.ConnectionId;

        await connection.StopAsync().Bounded();

        Assert.Equal(HubConnectionState.Disconnected, connection.State);
        Assert.Equal(id, await _server.Disconnects.Reader.ReadAsync().AsTask().Bounded());
    }

    [Fact]
    public async Task SendsTheAccessTokenOnNegotiateAndWebSocket()
    {
        await using var connection = Connect(_server.HubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>("secret-token"));
        await connection.StartAsync().Bounded();

        Assert.Equal("secret-token", await connection.InvokeAsync<string>("Query", "access_token").Bounded());
        var negotiate = Assert.Single(_server.Requests, r => r.Path == "/echo/negotiate");
        Assert.Equal("Bearer secret-token", negotiate.Authorization);
        var socket = Assert.Single(_server.Requests, r => r.IsWebSocket);
        Assert.Equal("Bearer secret-token", socket.Authorization);
    }

    [Fact]
    public async Task KeepsTheHubUrlQueryAndAddsTheConnectionToken()
    {
        await using var connection = Connect(new Uri(_server.HubUrl + "?clientId=abcdefgh12"));
        await connection.StartAsync().Bounded();

        Assert.Equal("abcdefgh12", await connection.InvokeAsync<string>("Query", "clientId").Bounded());
        Assert.NotEmpty(await connection.InvokeAsync<string>("Query", "id").Bounded());
    }

    [Fact]
    public async Task SkipsNegotiationWhenAsked()
    {
        await using var connection = Connect(_server.HubUrl, o => o.SkipNegotiation = true);
        await connection.StartAsync().Bounded();

        Assert.Equal("direct", await connection.InvokeAsync<string>("Echo", "direct").Bounded());
        Assert.DoesNotContain(_server.Requests, r => r.Path.EndsWith("/negotiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowsANegotiateRedirectWithItsToken()
    {
        await using var connection = Connect(new Uri(_server.BaseUrl, "/redirect"), o => o.AccessTokenProvider = () => Task.FromResult<string?>("first-token"));
        await connection.StartAsync().Bounded();

        Assert.Equal("redirected-token", await connection.InvokeAsync<string>("Query", "access_token").Bounded());
    }

    [Fact]
    public async Task FailsWithTheNegotiateError()
    {
        await using var connection = Connect(new Uri(_server.BaseUrl, "/refuse"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.StartAsync().Bounded());
        Assert.Contains("no entry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailsWhenTheHubDoesNotExist()
    {
        await using var connection = Connect(new Uri(_server.BaseUrl, "/nothing-here"));

        await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync().Bounded());
    }

    private static HubConnection Connect(Uri url, Action<WebSocketConnectionOptions>? configure = null) =>
        new HubConnectionBuilder().WithLiveSyncWebSockets(url, configure).Build();
}
