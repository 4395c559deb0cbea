using Microsoft.AspNetCore.SignalR.Client;

namespace LiveSync.Client;

/// <summary>
/// Reconnects forever with jittered exponential backoff: the n-th retry waits a random time between half and all
/// of <c>min(MaxDelay, BaseDelay * 2^n)</c>, so many clients cut off at once do not come back at once.
/// </summary>
public sealed class LiveSyncRetryPolicy : IRetryPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="baseDelay">The first retry's upper bound. Must be positive.</param>
    /// <param name="maxDelay">The upper bound of any retry. Must be at least <paramref name="baseDelay"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A delay is out of range.</exception>
    public LiveSyncRetryPolicy(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>The first retry's upper bound.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The upper bound of any retry.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>The delay before the next reconnect attempt; never null, so the client never gives up.</summary>
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        ArgumentNullException.ThrowIfNull(retryContext);
        return Delay(retryContext.PreviousRetryCount, Random.Shared.NextDouble());
    }

    /// <summary>The delay of retry <paramref name="retry"/> for a jitter in [0, 1).</summary>
    internal TimeSpan Delay(long retry, double jitter)
    {
        // Past 2^30 the bound is MaxDelay anyway; capping the exponent keeps the arithmetic finite.
        var ceiling = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromTicks((long)(ceiling / 2 + ceiling / 2 * jitter));
    }
}
