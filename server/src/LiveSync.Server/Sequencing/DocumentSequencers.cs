using System.Collections.Concurrent;
using LiveSync.Protocol.Messages;
using LiveSync.Server.Diagnostics;
using LiveSync.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveSync.Server.Sequencing;

/// <summary>
/// The sequencers of the documents in use, created on first use and unloaded when idle. Routes each piece of
/// work to its document's sequencer; never holds a lock across documents.
/// </summary>
internal sealed class DocumentSequencers : IDisposable
{
    private readonly ConcurrentDictionary<string, DocumentSequencer> _documents = new(StringComparer.Ordinal);
    private readonly SequencerContext _context;
    private readonly ITimer _idleTimer;

    public DocumentSequencers(
        IOpLog store,
        IOpBroadcaster broadcaster,
        IOptions<LiveSyncOptions> options,
        TimeProvider time,
        ILogger<DocumentSequencers> logger,
        LiveSyncMetrics metrics)
    {
        _context = new SequencerContext(store, broadcaster, options.Value, time, logger, metrics);
        var period = options.Value.IdleDocumentTimeout / 2;
        _idleTimer = time.CreateTimer(_ => UnloadIdle(), null, period, period);
    }

    /// <summary>Sequences <paramref name="submission"/> (already checked for shape) on <paramref name="docId"/>.</summary>
    public Task<SubmitOutcome> SubmitAsync(string docId, Submission submission)
    {
        var work = new SubmitWork(submission);
        Enqueue(docId, work);
        return work.Completion.Task;
    }

    /// <summary>
    /// The document's latest state. A loaded document answers from memory unless <paramref name="knownHead"/>
    /// (the store's head, when the caller read it) is ahead, in which case it catches up first.
    /// </summary>
    public ValueTask<DocumentState> ReadAsync(string docId, long? knownHead = null)
    {
        if (_documents.TryGetValue(docId, out var sequencer)
            && sequencer.Published is { } state
            && (knownHead is null || knownHead <= state.V))
        {
            return ValueTask.FromResult(state);
        }

        var work = new ReadWork(refresh: knownHead is not null);
        Enqueue(docId, work);
        return new ValueTask<DocumentState>(work.Completion.Task);
    }

    private void Enqueue(string docId, WorkItem work)
    {
        while (true)
        {
            var sequencer = _documents.GetOrAdd(docId, static (id, context) => new DocumentSequencer(id, context), _context);
            if (sequencer.TryEnqueue(work))
            {
                return;
            }

            // Retired between lookup and enqueue: drop it and use a fresh one.
            _documents.TryRemove(new KeyValuePair<string, DocumentSequencer>(docId, sequencer));
        }
    }

    private void UnloadIdle()
    {
        var idleMs = (long)_context.Options.IdleDocumentTimeout.TotalMilliseconds;
        var count = 0;
        foreach (var (docId, sequencer) in _documents)
        {
            if (sequencer.TryRetire(idleMs) && _documents.TryRemove(new KeyValuePair<string, DocumentSequencer>(docId, sequencer)))
            {
                count++;
            }
        }

        if (count > 0)
        {
            SequencerLog.Unloaded(_context.Logger, count);
        }
    }

    public void Dispose() => _idleTimer.Dispose();
}
