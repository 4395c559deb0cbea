using LiveSync.SignalR.MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LiveSync's <see cref="MessagePackHubProtocol"/>, shaped like <c>AddMessagePackProtocol</c> of
/// <c>Microsoft.AspNetCore.SignalR.Protocols.MessagePack</c>.
/// </summary>
public static class LiveSyncMessagePackProtocolDependencyInjectionExtensions
{
    /// <summary>
    /// Adds the <c>messagepack</c> hub protocol. Works on the server's <c>ISignalRServerBuilder</c> (from
    /// <c>AddSignalR()</c>) and on a client's <c>IHubConnectionBuilder</c>: both are <see cref="ISignalRBuilder"/>s.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The SignalR builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static TBuilder AddLiveSyncMessagePackProtocol<TBuilder>(this TBuilder builder)
        where TBuilder : ISignalRBuilder
        => AddLiveSyncMessagePackProtocol(builder, static _ => { });

    /// <summary>Adds the <c>messagepack</c> hub protocol with options.</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The SignalR builder.</param>
    /// <param name="configure">Configures the protocol's options.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    public static TBuilder AddLiveSyncMessagePackProtocol<TBuilder>(this TBuilder builder, Action<MessagePackHubProtocolOptions> configure)
        where TBuilder : ISignalRBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, MessagePackHubProtocol>());
        builder.Services.Configure(configure);
        return builder;
    }
}
