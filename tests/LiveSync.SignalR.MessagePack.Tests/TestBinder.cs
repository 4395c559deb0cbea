using Microsoft.AspNetCore.SignalR;

namespace LiveSync.SignalR.MessagePack.Tests;

/// <summary>An <see cref="IInvocationBinder"/> over fixed tables; unknown names throw, as the real binders do.</summary>
internal sealed class TestBinder : IInvocationBinder
{
    private readonly Dictionary<string, Type[]> _parameters;
    private readonly Dictionary<string, Type> _returns;
    private readonly Dictionary<string, Type> _streamItems;

    public TestBinder(
        Dictionary<string, Type[]>? parameters = null,
        Dictionary<string, Type>? returns = null,
        Dictionary<string, Type>? streamItems = null)
    {
        _parameters = parameters ?? [];
        _returns = returns ?? [];
        _streamItems = streamItems ?? [];
    }

    public IReadOnlyList<Type> GetParameterTypes(string methodName) =>
        _parameters.TryGetValue(methodName, out var types) ? types : throw new HubException($"Method '{methodName}' does not exist.");

    public Type GetReturnType(string invocationId) =>
        _returns.TryGetValue(invocationId, out var type) ? type : throw new KeyNotFoundException(invocationId);

    public Type GetStreamItemType(string streamId) =>
        _streamItems.TryGetValue(streamId, out var type) ? type : throw new KeyNotFoundException(streamId);
}
