using System.Collections.Concurrent;
using LiveSync.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// The embedded, durable <see cref="IOpLog"/>: one append-only, checksummed log file per document and a few
/// snapshot files beside it, under <see cref="EmbeddedStorageOptions.DataDir"/>. It makes <c>AddLiveSync()</c> alone
/// a working single-node server.
/// <para>
/// Layout: <c>livesync.lock</c> (held for the log's lifetime, so a second process on the same directory refuses to
/// start) and <c>docs/&lt;shard&gt;/&lt;document folder&gt;/</c> holding <c>ops.log</c> and <c>snap-&lt;v&gt;.snap</c>
/// files (see <see cref="DocumentPaths"/>, <see cref="LogFormat"/>, <see cref="SnapshotFile"/>).
/// </para>
/// <para>
/// A document is scanned once on first use to build an in-memory index; at most
/// <see cref="EmbeddedStorageOptions.MaxOpenDocuments"/> stay open, the least recently used idle ones being closed.
/// Appends to different documents proceed in parallel; durability follows
/// <see cref="EmbeddedStorageOptions.Durability"/>, with group commit for <see cref="EmbeddedDurability.Always"/>.
/// Readers see only acknowledged ops. Storage failures throw <see cref="LiveSyncException"/> with code
/// <c>unavailable</c>, and nothing of a failed append is kept.
/// </para>
/// Create one with <see cref="OpenAsync"/>; dispose it to flush and release the directory.
/// </summary>
public sealed partial class FileOpLog : IOpLog, IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly EmbeddedDurability _durability;
    private readonly TimeSpan _flushInterval;
    private readonly int _maxOpenDocuments;
    private readonly int _snapshotsKept;
    private readonly ILogger _logger;
    private readonly DataDirectoryLock _directoryLock;
    private readonly ConcurrentDictionary<string, DocumentLog> _documents = new(StringComparer.Ordinal);
    private readonly Func<string, DocumentLog> _createDocument;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _evicting;
    private int _disposed;
    private int _activeOperations;

    private FileOpLog(string dataDir, EmbeddedStorageOptions options, DataDirectoryLock directoryLock, ILogger logger)
    {
        _dataDir = dataDir;
        _durability = options.Durability;
        _flushInterval = options.FlushInterval;
        _maxOpenDocuments = options.MaxOpenDocuments;
        _snapshotsKept = options.SnapshotsKept;
        _directoryLock = directoryLock;
        _logger = logger;
        _createDocument = docId => new DocumentLog(
            docId, Path.Combine(_dataDir, DocumentPaths.RelativeFolderOf(docId)), _durability, _snapshotsKept, _logger);
    }

    /// <summary>The full path of the data directory.</summary>
    public string DataDir => _dataDir;

    /// <summary>
    /// Opens (creating when missing) the data directory of <paramref name="options"/>, takes its lock file and starts
    /// the flusher. Documents are read lazily, on first use. The options are copied: later changes have no effect.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="IOException">
    /// Another LiveSync process (or another <see cref="FileOpLog"/> in this process) holds the directory; the message
    /// names it. Also when the directory cannot be created.
    /// </exception>
    public static Task<FileOpLog> OpenAsync(EmbeddedStorageOptions options, ILogger<FileOpLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(Path.Combine(dataDir, DocumentPaths.DocumentsFolder));
        var directoryLock = DataDirectoryLock.Acquire(dataDir);
        try
        {
            if (options.Durability != EmbeddedDurability.None)
            {
                DirectorySync.Flush(dataDir);
            }

            var log = new FileOpLog(dataDir, options, directoryLock, (ILogger?)logger ?? NullLogger.Instance);
            log.StartFlusher();
            FileOpLogLog.Opened(log._logger, dataDir, options.Durability);
            return Task.FromResult(log);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<LogHead> ReadHeadAsync(string docId, CancellationToken cancellationToken = default)
    {
        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            return doc.ReadHead();
        }
        finally
        {
            Exit(doc);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredOp>> ReadOpsAsync(
        string docId, long from, long to, int limit, CancellationToken cancellationToken = default)
    {
        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            return doc.ReadOps(from, to, limit);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw ReadFailure(docId, ex);
        }
        finally
        {
            Exit(doc);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The ops are not numbered <paramref name="expectedHead"/> + 1, + 2, ...</exception>
    public async ValueTask<AppendResult> AppendAsync(
        string docId, long expectedHead, IReadOnlyList<StoredOp> ops, CancellationToken cancellationToken = default)
    {
        Identifiers.RequireDocId(docId);
        ValidateAppend(expectedHead, ops);
        if (ops.Count == 0)
        {
            var head = await ReadHeadAsync(docId, cancellationToken).ConfigureAwait(false);
            return head.V == expectedHead ? AppendResult.Success(head.V) : AppendResult.Conflict(head.V);
        }

        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            return await doc.AppendAsync(expectedHead, ops, MarkDirty, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            FileOpLogLog.AppendFailed(_logger, ex, docId, expectedHead);
            throw new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while writing to document '{docId}'; nothing was stored");
        }
        finally
        {
            if (doc.ReloadNeeded)
            {
                Discard(doc);
            }

            Exit(doc);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ClientSeq?> ReadClientSeqAsync(string docId, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            return doc.ReadClientSeq(clientId);
        }
        finally
        {
            Exit(doc);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoredSnapshot?> ReadSnapshotAsync(string docId, long maxV, CancellationToken cancellationToken = default)
    {
        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            return doc.ReadSnapshot(maxV);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw ReadFailure(docId, ex);
        }
        finally
        {
            Exit(doc);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The snapshot is written to a temporary file, synced (unless durability is <see cref="EmbeddedDurability.None"/>)
    /// and renamed, so it is whole or absent; only the latest <see cref="EmbeddedStorageOptions.SnapshotsKept"/> are kept.
    /// </remarks>
    public async ValueTask WriteSnapshotAsync(string docId, StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.V);
        var doc = await EnterAsync(docId, cancellationToken).ConfigureAwait(false);
        try
        {
            await doc.WriteSnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            FileOpLogLog.SnapshotWriteFailed(_logger, ex, docId, snapshot.V);
            throw new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while writing a snapshot of document '{docId}'");
        }
        finally
        {
            Exit(doc);
        }
    }

    /// <summary>
    /// Waits for operations in progress (an append waiting for its flush completes), flushes what is written,
    /// closes every file and releases the data directory. Calls after this throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _activeOperations) == 0)
        {
            _drained.TrySetResult();
        }

        await _drained.Task.ConfigureAwait(false);
        await StopFlusherAsync().ConfigureAwait(false);
        foreach (var doc in _documents.Values)
        {
            doc.ForceClose();
        }

        _documents.Clear();
        _directoryLock.Dispose();
        FileOpLogLog.Closed(_logger, _dataDir);
    }

    private static void ValidateAppend(long expectedHead, IReadOnlyList<StoredOp> ops)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedHead);
        ArgumentNullException.ThrowIfNull(ops);
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i] ?? throw new ArgumentException($"ops[{i}] is null.", nameof(ops));
            ArgumentNullException.ThrowIfNull(op.ClientId, $"ops[{i}].ClientId");
            if (op.V != expectedHead + 1 + i)
            {
                throw new ArgumentException(
                    $"ops[{i}] has version {op.V}; appending after version {expectedHead} it must be {expectedHead + 1 + i}.", nameof(ops));
            }
        }
    }

    private static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private LiveSyncException ReadFailure(string docId, Exception ex)
    {
        FileOpLogLog.ReadFailed(_logger, ex, docId);
        return new LiveSyncException(ErrorCodes.Unavailable, $"storage failed while reading document '{docId}'");
    }
}
