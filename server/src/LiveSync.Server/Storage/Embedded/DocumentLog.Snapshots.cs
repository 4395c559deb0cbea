namespace LiveSync.Server.Storage.Embedded;

// Snapshots: one file each, written whole (temp file, sync, rename), the latest few kept.
internal sealed partial class DocumentLog
{
    /// <summary>The latest readable snapshot at or below <paramref name="maxV"/>, or null.</summary>
    public StoredSnapshot? ReadSnapshot(long maxV)
    {
        long[] candidates;
        lock (_indexLock)
        {
            candidates = _snapshots.Where(v => v <= maxV).Reverse().ToArray();
        }

        foreach (var v in candidates)
        {
            var path = Path.Combine(Folder, SnapshotFile.FileName(v));
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (FileNotFoundException)
            {
                continue; // pruned by a newer snapshot since the candidates were taken
            }

            if (SnapshotFile.TryDecode(bytes, DocId, out var snapshot) && snapshot!.V == v)
            {
                return snapshot;
            }

            FileOpLogLog.SnapshotUnreadable(_logger, DocId, v, path);
        }

        return null;
    }



    /// <summary>Writes the snapshot (temp file, sync, rename, sync the folder) and deletes the ones beyond the kept count.</summary>
    public async ValueTask WriteSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        await _snapshotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureFolder();
            var bytes = SnapshotFile.Encode(DocId, snapshot);
            var temp = Path.Combine(Folder, SnapshotFile.TempFileName(snapshot.V));
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(bytes);
                if (_durability != EmbeddedDurability.None)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, Path.Combine(Folder, SnapshotFile.FileName(snapshot.V)), overwrite: true);
            if (_durability != EmbeddedDurability.None)
            {
                DirectorySync.Flush(Folder);
            }

            List<long> pruned;
            lock (_indexLock)
            {
                var at = _snapshots.BinarySearch(snapshot.V);
                if (at < 0)
                {
                    _snapshots.Insert(~at, snapshot.V);
                }

                var excess = Math.Max(0, _snapshots.Count - _snapshotsKept);
                pruned = _snapshots.GetRange(0, excess);
                _snapshots.RemoveRange(0, excess);
            }

            foreach (var v in pruned)
            {
                File.Delete(Path.Combine(Folder, SnapshotFile.FileName(v)));
            }

            FileOpLogLog.SnapshotWritten(_logger, DocId, snapshot.V);
        }
        finally
        {
            _snapshotGate.Release();
        }
    }
}
