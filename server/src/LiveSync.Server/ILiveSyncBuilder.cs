using Microsoft.Extensions.DependencyInjection;

namespace LiveSync.Server;

/// <summary>Returned by <c>AddLiveSync()</c>, for extensions that add to LiveSync (for example <c>AddRedis</c>).</summary>
public interface ILiveSyncBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
