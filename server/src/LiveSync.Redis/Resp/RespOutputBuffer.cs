using System.Buffers;

namespace LiveSync.Redis.Resp;

/// <summary>
/// A growable byte buffer over <see cref="ArrayPool{T}"/> into which commands are serialised. A connection keeps two
/// and swaps them: callers append to one while the current writer sends the other, so queued commands cost no
/// per-command buffer and go out in as few socket writes as possible.
/// </summary>
internal sealed class RespOutputBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 16 * 1024;

    /// <summary>A buffer grown past this (by a large value) goes back to the pool once sent, so one big write does not pin it.</summary>
    private const int RetainLimit = 1024 * 1024;

    private byte[] _buffer = [];
    private int _written;

    /// <summary>The bytes written since the last <see cref="Reset"/>.</summary>
    public int WrittenCount => _written;

    /// <summary>The bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <inheritdoc />
    public void Advance(int count) => _written += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written, keeping the array unless it grew past <see cref="RetainLimit"/>.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > RetainLimit)
        {
            Release();
        }
    }

    /// <summary>Returns the array to the pool; the buffer stays usable and rents again when written to.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var size = Math.Max(Math.Max(InitialSize, _buffer.Length * 2), checked(_written + needed));
        var grown = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
