using System.Buffers;

namespace LiveSync.Protocol.MessagePack;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes over arrays rented from <see cref="ArrayPool{T}.Shared"/>: the scratch
/// buffer the codecs write a message or an intermediate JSON text into before they know its length.
/// </summary>
/// <remarks>Not thread-safe. <see cref="Dispose"/> returns the array to the pool; the written bytes are gone then.</remarks>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;

    private byte[] _buffer;
    private int _written;

    /// <summary>Creates a writer that rents its first array when first written to.</summary>
    public PooledBufferWriter()
    {
        _buffer = [];
    }

    /// <summary>How many bytes have been written.</summary>
    public int WrittenCount => _written;

    /// <summary>The bytes written so far; valid until the next write, <see cref="Reset"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>The bytes written so far; valid until the next write, <see cref="Reset"/> or <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written, keeping the rented array for the next use.</summary>
    public void Reset() => _written = 0;

    /// <summary>Returns the rented array to the pool.</summary>
    public void Dispose()
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
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var newSize = Math.Max(Math.Max(_buffer.Length * 2L, (long)_written + needed), MinimumSize);
        if (newSize > Array.MaxLength)
        {
            newSize = Math.Max((long)_written + needed, Array.MaxLength);
            if (newSize > Array.MaxLength)
            {
                throw new OutOfMemoryException("A buffer larger than the largest array was asked for.");
            }
        }

        var next = ArrayPool<byte>.Shared.Rent((int)newSize);
        _buffer.AsSpan(0, _written).CopyTo(next);
        var old = _buffer;
        _buffer = next;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}
