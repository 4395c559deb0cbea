namespace LiveSync.Benchmarks;

/// <summary>An active client of the workload, against LiveSync (<see cref="LoadClient"/>) or the relay hub (<see cref="RelayClient"/>).</summary>
internal interface IBenchClient : IAsyncDisposable
{
    string DocId { get; }

    long AckedInWindow { get; }

    int Errors { get; }

    /// <summary>Submissions resubmitted after a retryable "unavailable" answer.</summary>
    int Retries { get; }

    /// <summary>Submits the first op; each acknowledgement submits the next until the run stops.</summary>
    void Start();

    /// <summary>Moves the samples taken while measuring into the run's lists.</summary>
    void CollectInto(List<double> ackLatencies, List<double> seenLatencies);
}
