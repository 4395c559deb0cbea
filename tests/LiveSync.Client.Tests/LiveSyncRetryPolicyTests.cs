namespace LiveSync.Client.Tests;

public sealed class LiveSyncRetryPolicyTests
{
    [Fact]
    public void GrowsExponentiallyWithJitterUpToTheCap()
    {
        var policy = new LiveSyncRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(0.5), policy.Delay(0, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Delay(0, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.Delay(3, 0));
        Assert.Equal(TimeSpan.FromSeconds(15), policy.Delay(10, 0));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Delay(long.MaxValue, 1));
    }
}
