using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace LiveSync.Server.Storage.Embedded;

/// <summary>
/// Reads an op log's records in order between two file offsets, through one pooled buffer that grows only for a
/// record bigger than it. Positional reads, so it needs no seek and never disturbs appends to the same handle.
/// </summary>
internal sealed class LogRecordReader : IDisposable
{
    private const int DefaultBufferSize = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _bufferLength;

    /// <summary>Reads the records in [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="handle"/>.</summary>
    public LogRecordReader(SafeFileHandle handle, long start, long end)
    {
        _handle = handle;
        _end = end;
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(end - start, LogFormat.MinFrameSize, DefaultBufferSize));
        _bufferOffset = start;
        RecordOffset = start;
    }

    /// <summary>What <see cref="Read"/> found.</summary>
    public enum Status
    {
        /// <summary>A whole record with a good checksum.</summary>
        Record,

        /// <summary>The end offset, exactly at a record boundary.</summary>
        End,

        /// <summary>A record that runs past the end offset.</summary>
        CutShort,

        /// <summary>A record length no valid record has.</summary>
        BadLength,

        /// <summary>A record whose checksum does not match.</summary>
        BadChecksum,
    }

    /// <summary>The offset of the record <see cref="Read"/> last looked at (the next one once it returned a record).</summary>
    public long RecordOffset { get; private set; }

    /// <summary>
    /// The next record's body in <paramref name="body"/>, valid until the next call. On anything but
    /// <see cref="Status.Record"/> the position stays at the bad record, <see cref="RecordOffset"/>.
    /// </summary>
    public Status Read(out ReadOnlySpan<byte> body, out long recordOffset)
    {
        body = default;
        recordOffset = RecordOffset;
        var remaining = _end - RecordOffset;
        if (remaining == 0)
        {
            return Status.End;
        }

        if (remaining < LogFormat.FrameHeaderSize)
        {
            return Status.CutShort;
        }

        var header = Buffered(RecordOffset, LogFormat.FrameHeaderSize);
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var storedChecksum = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (!LogFormat.IsPlausibleBodyLength(bodyLength))
        {
            return remaining < LogFormat.MinFrameSize ? Status.CutShort : Status.BadLength;
        }

        if (bodyLength > remaining - LogFormat.FrameHeaderSize)
        {
            return Status.CutShort;
        }

        var frame = Buffered(RecordOffset, LogFormat.FrameHeaderSize + (int)bodyLength);
        var candidate = frame[LogFormat.FrameHeaderSize..];
        if (LogFormat.Checksum(frame[..4], candidate) != storedChecksum)
        {
            return Status.BadChecksum;
        }

        body = candidate;
        RecordOffset += frame.Length;
        return Status.Record;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ReadOnlySpan<byte> Buffered(long offset, int count)
    {
        if (offset >= _bufferOffset && offset + count <= _bufferOffset + _bufferLength)
        {
            return _buffer.AsSpan((int)(offset - _bufferOffset), count);
        }

        if (count > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(count);
        }

        var fill = (int)Math.Min(_buffer.Length, _end - offset);
        var read = 0;
        while (read < fill)
        {
            var n = RandomAccess.Read(_handle, _buffer.AsSpan(read, fill - read), offset + read);
            if (n == 0)
            {
                throw new IOException($"The op log ended at byte {offset + read} while {_end} bytes were expected.");
            }

            read += n;
        }

        _bufferOffset = offset;
        _bufferLength = fill;
        return _buffer.AsSpan(0, count);
    }
}
