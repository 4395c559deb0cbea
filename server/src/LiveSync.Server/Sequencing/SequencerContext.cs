using LiveSync.Server.Diagnostics;
using LiveSync.Server.Storage;
using Microsoft.Extensions.Logging;

namespace LiveSync.Server.Sequencing;

/// <summary>What every document's sequencer shares: the store, the broadcaster, settings, clock, logging and metrics.</summary>
internal sealed record SequencerContext(
    IOpLog Store,
    IOpBroadcaster Broadcaster,
    LiveSyncOptions Options,
    TimeProvider Time,
    ILogger Logger,
    LiveSyncMetrics Metrics);
