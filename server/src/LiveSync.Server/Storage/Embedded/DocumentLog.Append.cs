using System.Buffers;
using LiveSync.Protocol;
using Microsoft.Win32.SafeHandles;

namespace LiveSync.Server.Storage.Embedded;

// Appends and their durability: write under the gate, acknowledge when synced (Always) or at once (Batched, None).
internal sealed partial class DocumentLog
{
    /// <summary>
    /// Appends <paramref name="ops"/> (already checked to be numbered from <paramref name="expectedHead"/> + 1) if the
    /// written head is <paramref name="expectedHead"/>, and returns once they are acknowledged. A lost race waits for
    /// the winner to be acknowledged and reports its head. <paramref name="markDirty"/> hands the document to the
    /// flusher after a write.
    /// </summary>
    public async ValueTask<AppendResult> AppendAsync(
        long expectedHead, IReadOnlyList<StoredOp> ops, Action<DocumentLog> markDirty, CancellationToken cancellationToken)
    {
        while (true)
        {
            await AppendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            PendingAppend? written = null;
            Task? winner = null;
            try
            {
                ThrowIfBroken();
                lock (_indexLock)
                {
                    if (_writtenHead != expectedHead)
                    {
                        if (_writtenHead == _head)
                        {
                            return AppendResult.Conflict(_head);
                        }

                        winner = _lastPending!.Durable!.Task;
                    }
                }

                if (winner is null)
                {
                    written = Write(expectedHead, ops);
                }
            }
            finally
            {
                AppendGate.Release();
            }

            if (written is null)
            {
                // The winner is written but not yet durable: report the conflict only once it is (or retry if it fails).
                await winner!.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            if (_durability != EmbeddedDurability.None)
            {
                markDirty(this);
            }

            if (written.Durable is not null)
            {
                // Not cancellable: the ops are written and will be acknowledged or failed by the flusher.
                await written.Durable.Task.ConfigureAwait(false);
            }

            return AppendResult.Success(written.Head);
        }
    }

    private PendingAppend Write(long expectedHead, IReadOnlyList<StoredOp> ops)
    {
        var sizes = new int[ops.Count];
        long total = 0;
        for (var i = 0; i < ops.Count; i++)
        {
            sizes[i] = LogFormat.FrameSize(ops[i]);
            total += sizes[i];
        }

        if (total > Array.MaxLength)
        {
            throw new LiveSyncException(ErrorCodes.TooLarge, $"an append of {total} bytes is over the storage limit");
        }

        var handle = EnsureLogFile();
        var start = _writtenEnd;
        var entries = new PendingOp[ops.Count];
        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            var at = 0;
            for (var i = 0; i < ops.Count; i++)
            {
                entries[i] = new PendingOp(ops[i].V, start + at, ops[i].ClientId, ops[i].Seq);
                at += LogFormat.WriteOpFrame(buffer.AsSpan(at), ops[i]);
            }

            try
            {
                RandomAccess.Write(handle, buffer.AsSpan(0, at), start);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                FileOpLogLog.AppendFailed(_logger, ex, DocId, expectedHead);
                CutBack(handle, start);
                _reloadNeeded = _broken;
                throw new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while writing to document '{DocId}'; nothing was stored");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var pending = new PendingAppend(
            expectedHead + ops.Count, start + total, entries, _durability == EmbeddedDurability.Always);
        lock (_indexLock)
        {
            _writtenHead = pending.Head;
            _writtenEnd = pending.End;
            if (pending.Durable is null)
            {
                Acknowledge(pending);
            }
            else
            {
                _pending.Enqueue(pending);
                _lastPending = pending;
            }
        }

        return pending;
    }

    // Creates the log file with its header on the first append; the header and the file's directory entry are made
    // durable here, once per document, so a record is never acknowledged in a file a crash could lose.
    private SafeFileHandle EnsureLogFile()
    {
        if (_handle is not null)
        {
            return _handle;
        }

        SafeFileHandle? handle = null;
        try
        {
            EnsureFolder();
            handle = File.OpenHandle(LogPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            var length = WriteHeader(handle);
            if (_durability != EmbeddedDurability.None)
            {
                DirectorySync.Flush(Folder);
            }

            lock (_indexLock)
            {
                _handle = handle;
                _writtenEnd = _ackedEnd = length;
            }

            return handle;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            FileOpLogLog.AppendFailed(_logger, ex, DocId, 0);
            if (handle is not null)
            {
                handle.Dispose();
                TryDelete(LogPath);
            }

            throw new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while creating document '{DocId}'; nothing was stored");
        }
    }

    private int WriteHeader(SafeFileHandle handle)
    {
        Span<byte> header = stackalloc byte[LogFormat.HeaderSize(DocId)];
        var length = LogFormat.WriteHeader(header, DocId);
        RandomAccess.Write(handle, header[..length], 0);
        if (_durability != EmbeddedDurability.None)
        {
            RandomAccess.FlushToDisk(handle);
        }

        return length;
    }

    private void EnsureFolder()
    {
        lock (_folderLock)
        {
            if (_folderExists)
            {
                return;
            }

            Directory.CreateDirectory(Folder);
            if (_durability != EmbeddedDurability.None)
            {
                // The new folder's entry lives in the shard folder, and a new shard's in the documents folder.
                var shard = Path.GetDirectoryName(Folder)!;
                DirectorySync.Flush(shard);
                DirectorySync.Flush(Path.GetDirectoryName(shard)!);
            }

            _folderExists = true;
        }
    }


    // Sync and FailUnsynced are called by the flusher, which holds a lease on the document.

    /// <summary>Syncs the log file and acknowledges every pending append it covers.</summary>
    public void Sync()
    {
        var target = SyncTarget(out var handle);
        if (handle is null)
        {
            return;
        }

        RandomAccess.FlushToDisk(handle);
        AcknowledgeSynced(target);
    }

    /// <summary>
    /// How far the log file is written now (and its handle, null when it has no file yet): a sync that starts after
    /// this call covers that much. The first half of <see cref="Sync"/>, for a flusher that syncs many files at once.
    /// </summary>
    public long SyncTarget(out SafeFileHandle? handle)
    {
        lock (_indexLock)
        {
            handle = _handle;
            return _writtenEnd;
        }
    }

    /// <summary>
    /// Acknowledges every pending append that ends at or before <paramref name="target"/>, once a sync that started
    /// after <see cref="SyncTarget"/> returned it has completed. The second half of <see cref="Sync"/>.
    /// </summary>
    public void AcknowledgeSynced(long target)
    {
        List<PendingAppend>? done = null;
        lock (_indexLock)
        {
            while (_pending.TryPeek(out var next) && next.End <= target)
            {
                _pending.Dequeue();
                Acknowledge(next);
                (done ??= []).Add(next);
            }
        }

        if (done is not null)
        {
            foreach (var append in done)
            {
                append.Durable!.TrySetResult();
            }
        }
    }

    /// <summary>
    /// After a failed sync: the file's unsynced bytes are in an unknown state, so cut the file back to the last
    /// acknowledged record, fail the appends waiting for it, and mark the document broken so it is re-read.
    /// </summary>
    public void FailUnsynced()
    {
        _broken = true;
        AppendGate.Wait();
        try
        {
            List<PendingAppend> failed;
            long ackedEnd;
            lock (_indexLock)
            {
                failed = [.. _pending];
                _pending.Clear();
                _lastPending = null;
                ackedEnd = _ackedEnd;
                _writtenHead = _head;
                _writtenEnd = _ackedEnd;
            }

            if (failed.Count > 0 && _handle is not null)
            {
                CutBack(_handle, ackedEnd);
            }

            var error = new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while syncing document '{DocId}' to disk; nothing was stored");
            foreach (var append in failed)
            {
                append.Durable!.TrySetException(error);
            }
        }
        finally
        {
            AppendGate.Release();
            _reloadNeeded = true;
        }
    }

    private void CutBack(SafeFileHandle handle, long offset)
    {
        try
        {
            RandomAccess.SetLength(handle, offset);
            if (_durability != EmbeddedDurability.None)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _broken = true;
            FileOpLogLog.RollbackFailed(_logger, ex, DocId, offset);
        }
    }

    private void Acknowledge(PendingAppend append)
    {
        foreach (var op in append.Ops)
        {
            if ((op.V - 1) % CheckpointStride == 0)
            {
                _checkpoints.Add(op.Offset);
            }

            _clientSeqs[op.ClientId] = new ClientSeq(op.Seq, op.V);
        }

        _head = append.Head;
        _ackedEnd = append.End;
    }

    private void ThrowIfBroken()
    {
        if (_broken)
        {
            throw new LiveSyncException(ErrorCodes.Unavailable, $"storage of document '{DocId}' failed and is being re-read; retry");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An empty or header-only file left behind is read as an empty log.
        }
    }

    private readonly record struct PendingOp(long V, long Offset, string ClientId, long Seq);

    private sealed class PendingAppend(long head, long end, PendingOp[] ops, bool waitForSync)
    {
        public long Head { get; } = head;

        public long End { get; } = end;

        public PendingOp[] Ops { get; } = ops;

        public TaskCompletionSource? Durable { get; } =
            waitForSync ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }
}
