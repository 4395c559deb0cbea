using System.Buffers;
using System.Diagnostics;
using System.Text;
using LiveSync.Protocol;
using Microsoft.Win32.SafeHandles;

namespace LiveSync.Server.Storage.Embedded;

// Loading: the one scan of a document's files that builds its index, cutting off a torn tail and refusing damage.
internal sealed partial class DocumentLog
{
    /// <summary>Scans the log once (on first call) to build the index; later calls return the same task.</summary>
    public Task EnsureLoadedAsync() => _load.Value;

    /// <summary>True when loading failed (the document then stays unusable and is discarded).</summary>
    public bool LoadFailed => _load.IsValueCreated && _load.Value.IsFaulted;

    private void Load()
    {
        var started = Stopwatch.GetTimestamp();
        _folderExists = Directory.Exists(Folder);
        if (_folderExists)
        {
            foreach (var path in Directory.EnumerateFiles(Folder))
            {
                var name = Path.GetFileName(path);
                if (SnapshotFile.TryParseFileName(name, out var v))
                {
                    _snapshots.Add(v);
                }
                else if (SnapshotFile.IsTempFileName(name))
                {
                    File.Delete(path);
                }
            }

            _snapshots.Sort();
        }

        if (File.Exists(LogPath))
        {
            _handle = File.OpenHandle(LogPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            try
            {
                ScanLog(_handle);
            }
            catch
            {
                _handle.Dispose();
                _handle = null;
                throw;
            }
        }

        // A snapshot above the head describes ops the log lost (a crash before they were synced). Were it kept, it
        // would later pass for the state at that version after different ops took those versions.
        for (var i = _snapshots.Count - 1; i >= 0 && _snapshots[i] > _head; i--)
        {
            FileOpLogLog.SnapshotAheadDeleted(_logger, DocId, _snapshots[i], _head);
            File.Delete(Path.Combine(Folder, SnapshotFile.FileName(_snapshots[i])));
            _snapshots.RemoveAt(i);
        }

        FileOpLogLog.DocumentLoaded(_logger, DocId, _head, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void ScanLog(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        var headerSize = LogFormat.HeaderSize(DocId);
        Span<byte> header = stackalloc byte[Math.Min(headerSize, 4096)];
        header = header[..RandomAccess.Read(handle, header, 0)];
        var status = LogFormat.ReadHeader(header, DocId, out _);
        if (status == LogFormat.HeaderStatus.WrongDocument)
        {
            throw Corrupt(0, "the header names another document");
        }

        if (status == LogFormat.HeaderStatus.Invalid)
        {
            if (length > headerSize)
            {
                throw Corrupt(0, "the header is damaged");
            }

            // The file was being created when the process stopped: no op was ever written to it.
            RandomAccess.SetLength(handle, 0);
            WriteHeader(handle);
            FileOpLogLog.HeaderRewritten(_logger, DocId);
            length = headerSize;
        }

        long lastV = 0;
        var end = (long)headerSize;
        using (var reader = new LogRecordReader(handle, headerSize, length))
        {
            Span<char> clientIdChars = stackalloc char[256];
            var clientSeqs = _clientSeqs.GetAlternateLookup<ReadOnlySpan<char>>();
            while (true)
            {
                var read = reader.Read(out var body, out var offset);
                if (read == LogRecordReader.Status.End)
                {
                    end = length;
                    break;
                }

                if (read != LogRecordReader.Status.Record)
                {
                    end = offset;
                    break;
                }

                if (!LogFormat.TryReadIndexFields(body, out var v, out var seq, out var clientIdUtf8))
                {
                    throw Corrupt(offset, "a record with a valid checksum is malformed");
                }

                if (v != lastV + 1)
                {
                    throw Corrupt(offset, $"version {v} follows version {lastV}");
                }

                if ((v - 1) % CheckpointStride == 0)
                {
                    _checkpoints.Add(offset);
                }

                // Keyed by a span over a stack buffer, so a scan allocates a string per client, not per op.
                var chars = clientIdUtf8.Length <= clientIdChars.Length
                    ? clientIdChars[..Encoding.UTF8.GetChars(clientIdUtf8, clientIdChars)]
                    : Encoding.UTF8.GetString(clientIdUtf8).AsSpan();
                clientSeqs[chars] = new ClientSeq(seq, v);
                lastV = v;
            }
        }

        if (end < length)
        {
            CutTornTail(handle, end, length, lastV);
        }

        _writtenHead = _head = lastV;
        _writtenEnd = _ackedEnd = end;
    }

    private void CutTornTail(SafeFileHandle handle, long offset, long length, long lastV)
    {
        var tail = length - offset;
        if (tail > MaxTornTailBytes)
        {
            throw Corrupt(offset, $"a damaged record followed by {tail} bytes");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)tail);
        try
        {
            var region = buffer.AsSpan(0, (int)tail);
            var read = 0;
            while (read < region.Length)
            {
                var n = RandomAccess.Read(handle, region[read..], offset + read);
                if (n == 0)
                {
                    throw new IOException($"The op log of document '{DocId}' shrank while being read.");
                }

                read += n;
            }

            // Skip the bad record's first byte: a valid record after it means acknowledged history is damaged,
            // which must not be silently cut off with everything after it.
            var found = LogFormat.FindValidRecord(region[1..], lastV);
            if (found >= 0)
            {
                throw Corrupt(offset, $"a damaged record is followed by valid ones (the next at byte {offset + 1 + found})");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        RandomAccess.SetLength(handle, offset);
        if (_durability != EmbeddedDurability.None)
        {
            RandomAccess.FlushToDisk(handle);
        }

        FileOpLogLog.TornTailCut(_logger, DocId, offset, tail, lastV);
    }

    private LiveSyncException Corrupt(long offset, string reason)
    {
        FileOpLogLog.LogCorrupt(_logger, DocId, offset, LogPath, reason);
        return new LiveSyncException(
            ErrorCodes.Unavailable,
            $"the stored history of document '{DocId}' is damaged (op log byte {offset}: {reason}); it needs repair by an operator");
    }
}
