using System.Diagnostics.Metrics;

namespace LiveSync.Server.Diagnostics;

/// <summary>
/// The server's metrics, on the meter <c>LiveSync.Server</c>. Instrument names are dotted lower case with units;
/// tags are low-cardinality (never a document id).
/// </summary>
public sealed class LiveSyncMetrics
{
    /// <summary>The meter's name, for exporters to listen to.</summary>
    public const string MeterName = "LiveSync.Server";

    private readonly Counter<long> _opsSequenced;
    private readonly Counter<long> _appendConflicts;
    private readonly Histogram<double> _submitDuration;
    private readonly Counter<long> _submitErrors;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public LiveSyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _opsSequenced = meter.CreateCounter<long>("livesync.ops.sequenced", "{op}", "Ops appended to document logs.");
        _appendConflicts = meter.CreateCounter<long>("livesync.append.conflicts", "{conflict}", "Appends that lost a race to another server and were re-sequenced.");
        _submitDuration = meter.CreateHistogram<double>("livesync.submit.duration", "s", "Time from a submission's arrival to its acknowledgement.");
        _submitErrors = meter.CreateCounter<long>("livesync.submit.errors", "{error}", "Submissions rejected, by error code.");
    }

    internal void Sequenced(int count) => _opsSequenced.Add(count);

    internal void AppendConflict() => _appendConflicts.Add(1);

    internal void SubmitCompleted(TimeSpan elapsed) => _submitDuration.Record(elapsed.TotalSeconds);

    internal void SubmitFailed(string code) => _submitErrors.Add(1, new KeyValuePair<string, object?>("code", code));
}
