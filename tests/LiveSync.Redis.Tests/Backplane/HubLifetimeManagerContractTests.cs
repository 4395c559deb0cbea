using Microsoft.AspNetCore.SignalR;

namespace LiveSync.Redis.Tests.Backplane;

/// <summary>
/// The contract every hub lifetime manager keeps, run against SignalR's single-server manager and the Redis
/// backplane alike: every send kind reaches exactly its targets, group membership works for connections on any
/// server and is acknowledged, messages from one server keep their order, and each hub protocol gets its own bytes.
/// A derived class gives two servers: two processes' worth of managers on one Redis, or one server twice.
/// Negative checks need no waiting: after the send under test the same manager sends a marker to everyone, and a
/// connection receives a server's messages in the order it sent them, so what arrived before the marker is all
/// that the send delivered.
/// </summary>
public abstract class HubLifetimeManagerContractTests : IAsyncLifetime
{
    private readonly List<ContractClient> _clients = [];
    private ContractServer[] _servers = [];
    private int _markers;

    /// <summary>Starts two servers of <see cref="ContractHub"/> that share their clients (the same one twice for a single-server manager).</summary>
    protected abstract Task<ContractServer[]> StartServersAsync();

    protected ContractServer S0 => _servers[0];

    protected ContractServer S1 => _servers[1];

    public async Task InitializeAsync() => _servers = await StartServersAsync().Within(TimeSpan.FromSeconds(30));

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync().AsTask().Within();
        }

        foreach (var server in _servers.Distinct())
        {
            await server.DisposeAsync().AsTask().Within();
        }
    }

    [Fact]
    public async Task SendAll_reaches_every_connection_on_every_server()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");

        await S0.Manager.SendAllAsync(ContractClient.Hello, ["from-0"]).Within();
        await ExpectAsync(S0, (a, ["from-0"]), (b, ["from-0"]));

        await S1.Manager.SendAllAsync(ContractClient.Hello, ["from-1"]).Within();
        await ExpectAsync(S1, (a, ["from-1"]), (b, ["from-1"]));
    }

    [Fact]
    public async Task SendAllExcept_skips_the_excluded_connections_wherever_they_are()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        var c = await ClientAsync(S1, "c");
        var d = await ClientAsync(S0, "d");

        await S0.Manager.SendAllExceptAsync(ContractClient.Hello, ["x"], [b.ConnectionId, d.ConnectionId]).Within();
        await ExpectAsync(S0, (a, ["x"]), (b, []), (c, ["x"]), (d, []));
    }

    [Fact]
    public async Task SendConnection_reaches_one_connection_on_this_or_another_server()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");

        await S0.Manager.SendConnectionAsync(b.ConnectionId, ContractClient.Hello, ["to-b"]).Within();
        await S0.Manager.SendConnectionAsync(a.ConnectionId, ContractClient.Hello, ["to-a"]).Within();
        await ExpectAsync(S0, (a, ["to-a"]), (b, ["to-b"]));
    }

    [Fact]
    public async Task SendConnections_reaches_exactly_the_listed_connections()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        var c = await ClientAsync(S1, "c");

        await S0.Manager.SendConnectionsAsync([a.ConnectionId, b.ConnectionId], ContractClient.Hello, ["x"]).Within();
        await ExpectAsync(S0, (a, ["x"]), (b, ["x"]), (c, []));
    }

    [Fact]
    public async Task SendGroup_reaches_the_members_on_every_server_and_no_one_else()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        var c = await ClientAsync(S1, "c");
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();

        await S0.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-0"]).Within();
        await ExpectAsync(S0, (a, ["from-0"]), (b, ["from-0"]), (c, []));

        await S1.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-1"]).Within();
        await ExpectAsync(S1, (a, ["from-1"]), (b, ["from-1"]), (c, []));
    }

    [Fact]
    public async Task SendGroups_reaches_the_members_of_each_group()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        var c = await ClientAsync(S1, "c");
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g1").Within();
        await S1.Manager.AddToGroupAsync(b.ConnectionId, "g2").Within();
        await S1.Manager.AddToGroupAsync(c.ConnectionId, "g3").Within();

        await S0.Manager.SendGroupsAsync(["g1", "g2"], ContractClient.Hello, ["x"]).Within();
        await ExpectAsync(S0, (a, ["x"]), (b, ["x"]), (c, []));
    }

    [Fact]
    public async Task SendGroupExcept_skips_the_excluded_members_wherever_they_are()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        var c = await ClientAsync(S1, "c");
        var d = await ClientAsync(S0, "d");
        foreach (var (server, client) in new[] { (S0, a), (S1, b), (S1, c), (S0, d) })
        {
            await server.Manager.AddToGroupAsync(client.ConnectionId, "g").Within();
        }

        await S1.Manager.SendGroupExceptAsync("g", ContractClient.Hello, ["x"], [b.ConnectionId, d.ConnectionId]).Within();
        await ExpectAsync(S1, (a, ["x"]), (b, []), (c, ["x"]), (d, []));
    }

    [Fact]
    public async Task SendUser_reaches_every_connection_of_the_user_on_every_server()
    {
        var alice0 = await ClientAsync(S0, "alice0", user: "alice");
        var alice1 = await ClientAsync(S1, "alice1", user: "alice");
        var bob = await ClientAsync(S1, "bob", user: "bob");

        await S0.Manager.SendUserAsync("alice", ContractClient.Hello, ["x"]).Within();
        await ExpectAsync(S0, (alice0, ["x"]), (alice1, ["x"]), (bob, []));
    }

    [Fact]
    public async Task SendUsers_reaches_every_connection_of_each_listed_user()
    {
        var alice = await ClientAsync(S0, "alice", user: "alice");
        var bob = await ClientAsync(S1, "bob", user: "bob");
        var carol = await ClientAsync(S1, "carol", user: "carol");

        await S1.Manager.SendUsersAsync(["alice", "bob"], ContractClient.Hello, ["x"]).Within();
        await ExpectAsync(S1, (alice, ["x"]), (bob, ["x"]), (carol, []));
    }

    [Fact]
    public async Task Adding_a_connection_of_another_server_to_a_group_is_acknowledged_and_takes_effect_at_once()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");

        // Completes only once the connection's server has it in the group: a send right after reaches it.
        await S0.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();
        await S0.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-0"]).Within();
        await ExpectAsync(S0, (a, []), (b, ["from-0"]));

        await S1.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-1"]).Within();
        await ExpectAsync(S1, (a, []), (b, ["from-1"]));
    }

    [Fact]
    public async Task Removing_a_connection_of_another_server_from_a_group_is_acknowledged_and_takes_effect_at_once()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        await S1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();

        await S0.Manager.RemoveFromGroupAsync(b.ConnectionId, "g").Within();
        await S0.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-0"]).Within();
        await ExpectAsync(S0, (a, ["from-0"]), (b, []));
        await S1.Manager.SendGroupAsync("g", ContractClient.Hello, ["from-1"]).Within();
        await ExpectAsync(S1, (a, ["from-1"]), (b, []));
    }

    [Fact]
    public async Task Adding_twice_delivers_once_and_removing_a_non_member_is_harmless()
    {
        var a = await ClientAsync(S0, "a");
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S1.Manager.RemoveFromGroupAsync(a.ConnectionId, "other").Within();

        await S1.Manager.SendGroupAsync("g", ContractClient.Hello, ["once"]).Within();
        await ExpectAsync(S1, (a, ["once"]));
    }

    [Fact]
    public async Task A_connection_that_ends_leaves_its_groups_and_the_others_still_receive()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();

        _clients.Remove(b);
        await b.DisposeAsync().AsTask().Within();
        await S1.Manager.SendGroupAsync("g", ContractClient.Hello, ["after"]).Within();
        await ExpectAsync(S1, (a, ["after"]));
    }

    [Fact]
    public async Task Messages_from_one_server_reach_each_connection_in_the_order_sent()
    {
        var a = await ClientAsync(S0, "a");
        var b = await ClientAsync(S1, "b");
        await S0.Manager.AddToGroupAsync(a.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(b.ConnectionId, "g").Within();

        var sent = Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var value in sent)
        {
            await S0.Manager.SendGroupAsync("g", ContractClient.Hello, [value]).Within();
        }

        await ExpectAsync(S0, (a, sent), (b, sent));
    }

    [Fact]
    public async Task Each_hub_protocol_gets_the_message_in_its_own_encoding()
    {
        var json = await ClientAsync(S1, "json");
        var messagePack = await ClientAsync(S1, "messagepack", messagePack: true);
        await S1.Manager.AddToGroupAsync(json.ConnectionId, "g").Within();
        await S1.Manager.AddToGroupAsync(messagePack.ConnectionId, "g").Within();

        await S0.Manager.SendGroupAsync("g", ContractClient.Hello, ["héllo 👋"]).Within();
        await S0.Manager.SendAllAsync(ContractClient.Hello, ["all"]).Within();
        await ExpectAsync(S0, (json, ["héllo 👋", "all"]), (messagePack, ["héllo 👋", "all"]));
    }

    protected async Task<ContractClient> ClientAsync(ContractServer server, string name, string? user = null, bool messagePack = false)
    {
        var client = await ContractClient.ConnectAsync(server, name, user, messagePack);
        _clients.Add(client);
        return client;
    }

    /// <summary>Sends a marker to everyone from <paramref name="sender"/> and checks what each client got before it.</summary>
    protected async Task ExpectAsync(ContractServer sender, params (ContractClient Client, List<string> Hellos)[] expected)
    {
        var marker = "marker-" + Interlocked.Increment(ref _markers);
        await sender.Manager.SendAllAsync(ContractClient.Marker, [marker]).Within();
        foreach (var (client, hellos) in expected)
        {
            Assert.Equal(hellos, await client.HellosUntilMarkerAsync(marker));
        }
    }
}

/// <summary>The contract suite on SignalR's own single-server manager: one server plays both.</summary>
public sealed class DefaultHubLifetimeManagerContractTests : HubLifetimeManagerContractTests
{
    protected override async Task<ContractServer[]> StartServersAsync()
    {
        var server = await ContractServer.StartAsync(_ => { });
        Assert.IsType<DefaultHubLifetimeManager<ContractHub>>(server.Manager);
        return [server, server];
    }
}
