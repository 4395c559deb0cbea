namespace LiveSync.Client.Tests;

/// <summary>Bounds every await in the tests, so a hang fails fast instead of stalling the run.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static Task Bounded(this Task task) => task.WaitAsync(Default);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Bounded(this ValueTask task) => task.AsTask().WaitAsync(Default);
}
