using System.Collections.Concurrent;

namespace LiveSync.Server.Storage.Embedded;

// The flusher: one thread that fsyncs the log files written since its last round.
//
// Always (group commit): an append writes its records, queues its document here (once, however many appends wait
// on it) and wakes the flusher if it sleeps. The flusher takes the whole queue, fsyncs each file once and
// acknowledges every append the sync covered. Appends arriving while it syncs queue up for the next round, which
// starts as soon as this one ends: an idle flusher syncs at once, a busy one shares each fsync among all the
// appends that arrived meanwhile. There is no timer, so an append never waits for a tick.
//
// A round with many documents (MinDocumentsForFileSystemSync or more) syncs them with one syncfs of the data
// directory's file system instead of one fsync each, where the platform has a syncfs that reports errors (see
// FileSystemSync): each document's written end is noted first, and its appends up to there are acknowledged once the
// syncfs succeeds. When it fails the round falls back to fsyncing each document, which finds the files that failed.
//
// Batched: appends are acknowledged once written; the flusher wakes every FlushInterval and syncs what was written.
// None: no flusher.
public sealed partial class FileOpLog
{
    // fsyncs of different files overlap well on SSDs; more than a few in flight gains little.
    private const int MaxParallelSyncs = 8;

    // From this many documents in a round, one syncfs instead of fsyncs 8 at a time (measured on ext4, each file
    // appended 60 bytes: 10 files 0.8 ms of fsyncs against 0.3 ms for a syncfs; 100 files 6.5 ms against 0.7 ms).
    // Below it, fsync is kept: its cost does not depend on what other processes have written on the file system.
    private const int MinDocumentsForFileSystemSync = 4;

    private readonly ConcurrentQueue<DocumentLog> _dirty = new();
    private readonly SemaphoreSlim _flushSignal = new(0);
    private readonly TaskCompletionSource _flusherStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ParallelOptions _syncParallelism = new() { MaxDegreeOfParallelism = MaxParallelSyncs };
    private Thread? _flusher;
    private FileSystemSync? _fileSystemSync;
    private int _flushRequested;
    private volatile bool _stopping;
    private long _fsyncCount;
    private long _flushRoundCount;

    /// <summary>
    /// How many syncs have been made for appends: an fsync of one log file, or a syncfs covering a round's files
    /// (group commit makes this far fewer than the appends).
    /// </summary>
    internal long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>How many flush rounds have run; each syncs every file written since the previous one.</summary>
    internal long FlushRoundCount => Interlocked.Read(ref _flushRoundCount);

    private void StartFlusher()
    {
        if (_durability == EmbeddedDurability.None)
        {
            _flusherStopped.TrySetResult();
            return;
        }

        _fileSystemSync = FileSystemSync.TryOpen(_dataDir);
        _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "LiveSync op log flusher" };
        _flusher.Start();
    }

    private Task StopFlusherAsync()
    {
        _stopping = true;
        _flushSignal.Release();
        return _flusherStopped.Task;
    }

    // Called after an append wrote to the document (it holds a lease on it).
    private void MarkDirty(DocumentLog doc)
    {
        if (doc.TryMarkDirty())
        {
            // The queue's own lease keeps the document open until its writes are synced.
            doc.TryAddLease();
            _dirty.Enqueue(doc);
        }

        if (_durability == EmbeddedDurability.Always && Interlocked.Exchange(ref _flushRequested, 1) == 0)
        {
            _flushSignal.Release();
        }
    }

    private void FlushLoop()
    {
        try
        {
            while (true)
            {
                if (_durability == EmbeddedDurability.Always)
                {
                    _flushSignal.Wait();
                }
                else
                {
                    _flushSignal.Wait(_flushInterval);
                }

                var stopping = _stopping;

                // Cleared before the queue is taken: an append queued after this point wakes the next round.
                Interlocked.Exchange(ref _flushRequested, 0);
                try
                {
                    FlushRound();
                }
                catch (Exception ex)
                {
                    // SyncDocument handles each document's failure; this is a last guard, since an exception
                    // escaping this thread would end the process.
                    FileOpLogLog.FlushRoundFailed(_logger, ex);
                }
                if (stopping)
                {
                    return;
                }
            }
        }
        finally
        {
            _fileSystemSync?.Dispose();
            _flusherStopped.TrySetResult();
        }
    }

    private void FlushRound()
    {
        var batch = new List<DocumentLog>();
        while (_dirty.TryDequeue(out var doc))
        {
            batch.Add(doc);
        }

        if (batch.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _flushRoundCount);
        if (batch.Count == 1)
        {
            SyncDocument(batch[0]);
        }
        else if (batch.Count >= MinDocumentsForFileSystemSync && _fileSystemSync is { IsEnabled: true } && SyncFileSystem(batch))
        {
            // Done: every document's writes are durable and acknowledged.
        }
        else
        {
            Parallel.ForEach(batch, _syncParallelism, SyncDocument);
        }
    }

    // One syncfs for all of batch; false (with nothing acknowledged or released) when it failed.
    private bool SyncFileSystem(List<DocumentLog> batch)
    {
        var targets = new long[batch.Count];
        var hasFile = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            // Cleared first, as in SyncDocument: a write after this point queues the document for the next round.
            batch[i].ClearDirty();
            targets[i] = batch[i].SyncTarget(out var handle);
            hasFile[i] = handle is not null;
        }

        if (!_fileSystemSync!.TrySync(out var errno))
        {
            if (errno != 0)
            {
                FileOpLogLog.FileSystemSyncFailed(_logger, errno, batch.Count);
            }

            return false;
        }

        Interlocked.Increment(ref _fsyncCount);
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                if (hasFile[i])
                {
                    batch[i].AcknowledgeSynced(targets[i]);
                }
            }
            finally
            {
                Release(batch[i]);
            }
        }

        return true;
    }

    private void SyncDocument(DocumentLog doc)
    {
        try
        {
            // Cleared first: a write after this point queues the document again for the next round.
            doc.ClearDirty();
            doc.Sync();
            Interlocked.Increment(ref _fsyncCount);
        }
        catch (Exception ex)
        {
            // Never let a failure stop the flusher: fail this document's waiters and have it re-read from disk.
            FileOpLogLog.SyncFailed(_logger, ex, doc.DocId);
            try
            {
                doc.FailUnsynced();
            }
            finally
            {
                Discard(doc);
            }
        }
        finally
        {
            Release(doc);
        }
    }
}
