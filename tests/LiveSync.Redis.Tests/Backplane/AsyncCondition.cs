namespace LiveSync.Redis.Tests.Backplane;

/// <summary>Waits for a condition over state that changes on events: each <see cref="Pulse"/> makes waiters check again. No polling.</summary>
internal sealed class AsyncCondition
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Tells waiters that the state changed.</summary>
    public void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes when <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with <paramref name="describe"/>'s text after <paramref name="limit"/>.</summary>
    public async Task WaitAsync(Func<bool> condition, TimeSpan limit, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(describe());
            }

            await Task.WhenAny(changed, Task.Delay(left));
        }
    }
}
