using System.Collections.Concurrent;

namespace LiveSync.Redis.Backplane;

/// <summary>Group commands sent to other servers that wait for their acknowledgement, by id. Thread-safe.</summary>
internal sealed class AckTable
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource> _pending = new();
    private int _lastId;

    /// <summary>A fresh id and the task its acknowledgement completes; <see cref="Forget"/> it when done waiting.</summary>
    public (uint Id, Task Acked) Create()
    {
        var id = (uint)Interlocked.Increment(ref _lastId);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = acked;
        return (id, acked.Task);
    }

    /// <summary>Completes the wait for <paramref name="id"/>; an unknown or late id is ignored.</summary>
    public void Complete(uint id)
    {
        if (_pending.TryRemove(id, out var acked))
        {
            acked.TrySetResult();
        }
    }

    /// <summary>Stops tracking <paramref name="id"/> (acknowledged, timed out or abandoned).</summary>
    public void Forget(uint id) => _pending.TryRemove(id, out _);
}
