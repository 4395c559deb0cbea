using LiveSync.Protocol;

namespace LiveSync.Server.Storage.Embedded;

// The open documents: leases, loading, least-recently-used closing, and the operation count disposal waits on.
public sealed partial class FileOpLog
{
    /// <summary>How many documents are open now (tests check the bound).</summary>
    internal int OpenDocumentCount => _documents.Count;

    private async ValueTask<DocumentLog> EnterAsync(string docId, CancellationToken cancellationToken)
    {
        Identifiers.RequireDocId(docId);
        Interlocked.Increment(ref _activeOperations);
        if (Volatile.Read(ref _disposed) != 0)
        {
            ExitOperation();
            throw new ObjectDisposedException(nameof(FileOpLog));
        }

        try
        {
            return await AcquireAsync(docId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ExitOperation();
            throw;
        }
    }

    private void Exit(DocumentLog doc)
    {
        Release(doc);
        ExitOperation();
    }

    private void ExitOperation()
    {
        if (Interlocked.Decrement(ref _activeOperations) == 0 && Volatile.Read(ref _disposed) != 0)
        {
            _drained.TrySetResult();
        }
    }

    private async ValueTask<DocumentLog> AcquireAsync(string docId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var doc = _documents.GetOrAdd(docId, _createDocument);
            if (!doc.TryAddLease())
            {
                // Closed by eviction between its removal and ours: help remove it and take a fresh one.
                _documents.TryRemove(KeyValuePair.Create(docId, doc));
                continue;
            }

            doc.Touch();
            if (_documents.Count > _maxOpenDocuments)
            {
                EvictIdleDocuments();
            }

            try
            {
                await doc.EnsureLoadedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (doc.LoadFailed)
                {
                    // Drop it so the next call scans the file again (a corrupt log is reported each time).
                    Discard(doc);
                }

                Release(doc);
                if (ex is IOException or UnauthorizedAccessException)
                {
                    throw ReadFailure(docId, ex);
                }

                throw;
            }

            if (doc.IsBroken)
            {
                if (doc.ReloadNeeded)
                {
                    Discard(doc);
                }

                Release(doc);
                throw new LiveSyncException(ErrorCodes.Unavailable, $"storage of document '{docId}' failed and is being re-read; retry");
            }

            return doc;
        }
    }

    private void Release(DocumentLog doc)
    {
        if (doc.ReleaseLease() == 0 && doc.IsDiscarded)
        {
            doc.TryClose();
        }
    }

    // The caller holds a lease, so the document closes at the last release.
    private void Discard(DocumentLog doc)
    {
        doc.MarkDiscarded();
        _documents.TryRemove(KeyValuePair.Create(doc.DocId, doc));
    }

    // Closes the least recently used idle documents, a tenth of the limit more than needed so this runs once per
    // many new documents rather than for each. A document in use, or with writes the flusher has not synced yet,
    // holds a lease and is skipped.
    private void EvictIdleDocuments()
    {
        if (Interlocked.Exchange(ref _evicting, 1) != 0)
        {
            return;
        }

        try
        {
            var excess = _documents.Count - _maxOpenDocuments;
            if (excess <= 0)
            {
                return;
            }

            var victims = _documents.Values
                .Where(d => d.IsIdle)
                .OrderBy(d => d.LastUsed)
                .Take(excess + (_maxOpenDocuments / 10))
                .ToList();
            foreach (var doc in victims)
            {
                if (doc.TryClose())
                {
                    doc.MarkDiscarded();
                    _documents.TryRemove(KeyValuePair.Create(doc.DocId, doc));
                    FileOpLogLog.DocumentEvicted(_logger, doc.DocId);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }
}
