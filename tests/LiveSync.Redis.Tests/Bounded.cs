namespace LiveSync.Redis.Tests;

/// <summary>Every await in these tests goes through here, so a hang fails the test instead of the run.</summary>
internal static class Bounded
{
    /// <summary>Long enough for a loaded CI machine, short enough to fail fast.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static Task<T> Within<T>(this ValueTask<T> task, TimeSpan? limit = null) => task.AsTask().WaitAsync(limit ?? Timeout);

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? limit = null) => task.WaitAsync(limit ?? Timeout);

    public static Task Within(this Task task, TimeSpan? limit = null) => task.WaitAsync(limit ?? Timeout);

    public static Task Within(this ValueTask task, TimeSpan? limit = null) => task.AsTask().WaitAsync(limit ?? Timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds or the limit passes; false on timeout.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? Timeout);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition().WaitAsync(Timeout))
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }
}
