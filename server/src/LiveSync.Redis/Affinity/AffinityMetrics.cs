using System.Diagnostics.Metrics;
using LiveSync.Server.Diagnostics;

namespace LiveSync.Redis.Affinity;

/// <summary>
/// Document affinity's metrics, on the server's meter (<see cref="LiveSyncMetrics.MeterName"/>), with running totals
/// for the debug log.
/// </summary>
internal sealed class AffinityMetrics
{
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _served;
    private readonly Counter<long> _fallbacks;
    private long _forwardedTotal;
    private long _servedTotal;
    private long _fallbacksTotal;

    public AffinityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(LiveSyncMetrics.MeterName);
        _forwarded = meter.CreateCounter<long>("livesync.affinity.forwarded", "{submission}", "Submissions forwarded to their document's owning server and answered by it.");
        _served = meter.CreateCounter<long>("livesync.affinity.served", "{submission}", "Submissions forwarded by other servers and sequenced here.");
        _fallbacks = meter.CreateCounter<long>("livesync.affinity.fallbacks", "{submission}", "Submissions meant for another server sequenced here instead, by reason.");
    }

    public (long Forwarded, long Served, long Fallbacks) Totals =>
        (Interlocked.Read(ref _forwardedTotal), Interlocked.Read(ref _servedTotal), Interlocked.Read(ref _fallbacksTotal));

    public void Forwarded()
    {
        Interlocked.Increment(ref _forwardedTotal);
        _forwarded.Add(1);
    }

    public void Served()
    {
        Interlocked.Increment(ref _servedTotal);
        _served.Add(1);
    }

    public void FellBack(string reason)
    {
        Interlocked.Increment(ref _fallbacksTotal);
        _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }
}
