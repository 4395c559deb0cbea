using System.Buffers;
using System.Text.Json;

namespace LiveSync.Protocol.Ot.Text;

/// <summary>
/// Immutable text held as chunks of at most <see cref="MaxChunkLength"/> UTF-16 chars, each knowing its code-point
/// count and none splitting a surrogate pair. Applying a <see cref="TextOp"/> copies only the chunks the op touches
/// and shares the rest with the old text, so an edit costs about one chunk of copying plus one reference per chunk,
/// where a plain string is copied whole on every edit (and, past 42,500 chars, allocated on the large object heap).
/// This is how the server holds a <c>text</c> document (<see cref="ChunkedTextType"/>); the results and errors of
/// <see cref="Apply"/> are those of <see cref="TextType.Apply"/> on the same text.
/// </summary>
/// <remarks>
/// Chunks are kept between <see cref="MinChunkLength"/> and <see cref="MaxChunkLength"/> chars (a text shorter than
/// the minimum is one chunk): an edit merges a chunk it leaves short into its neighbour and splits one it makes too
/// long, so a document edited for a long time does not crumble into tiny chunks.
/// </remarks>
public sealed class ChunkedText
{
    /// <summary>The most UTF-16 chars a chunk holds.</summary>
    public const int MaxChunkLength = 2048;

    /// <summary>The fewest UTF-16 chars a chunk holds, unless it is the whole text.</summary>
    public const int MinChunkLength = MaxChunkLength / 4;

    private readonly Chunk[] _chunks;

    private ChunkedText(Chunk[] chunks, int length, int codePoints)
    {
        _chunks = chunks;
        Length = length;
        CodePointCount = codePoints;
    }

    /// <summary>The empty text.</summary>
    public static ChunkedText Empty { get; } = new([], 0, 0);

    /// <summary>The length in UTF-16 chars.</summary>
    public int Length { get; }

    /// <summary>The length in code points, the unit ops count in.</summary>
    public int CodePointCount { get; }

    /// <summary>The number of chunks.</summary>
    public int ChunkCount => _chunks.Length;

    /// <summary>The text of chunk <paramref name="index"/>.</summary>
    public string GetChunk(int index) => _chunks[index].Text;

    /// <summary>The text of <paramref name="text"/>, cut into chunks.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static ChunkedText From(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return Empty;
        }

        if (!CodePoints.IsWellFormed(text))
        {
            throw new ArgumentException("The text holds a lone surrogate (ill-formed UTF-16).", nameof(text));
        }

        var builder = new Builder(text.Length / MaxChunkLength + 2);
        try
        {
            if (text.Length <= MaxChunkLength)
            {
                builder.Push(text);
            }
            else
            {
                builder.AddSplit(text);
            }

            return builder.Build();
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>The whole text as one string.</summary>
    public override string ToString()
    {
        if (_chunks.Length == 1)
        {
            return _chunks[0].Text;
        }

        return string.Create(Length, _chunks, static (destination, chunks) =>
        {
            foreach (var chunk in chunks)
            {
                chunk.Text.CopyTo(destination);
                destination = destination[chunk.Text.Length..];
            }
        });
    }

    /// <summary>Writes the text as one JSON string, chunk by chunk, without joining it first.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_chunks.Length == 0)
        {
            writer.WriteStringValue(string.Empty);
            return;
        }

        for (var i = 0; i < _chunks.Length; i++)
        {
            writer.WriteStringValueSegment(_chunks[i].Text, i == _chunks.Length - 1);
        }
    }

    /// <summary>
    /// The text after <paramref name="op"/>: the same result as <see cref="TextType.Apply"/>, checked the same way
    /// and failing with the same error, while copying only the chunks the op touches.
    /// </summary>
    /// <exception cref="LiveSyncException">
    /// With <see cref="ErrorCodes.InvalidOp"/> when a skip or delete reaches past the end of the text, or a delete's
    /// text differs from the text there.
    /// </exception>
    public ChunkedText Apply(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var components = op.Components;
        if (components.IsEmpty)
        {
            return this;
        }

        var editor = new Editor(_chunks, new Builder(_chunks.Length + 2));
        try
        {
            foreach (var component in components)
            {
                switch (component.Kind)
                {
                    case TextComponentKind.Insert:
                        editor.Output.Append(component.Text);
                        break;
                    case TextComponentKind.Skip:
                        if (!editor.Keep(component.Length))
                        {
                            throw PastTheEnd("skips");
                        }

                        break;
                    default:
                        var same = editor.Drop(component.Length, component.Text);
                        if (same is null)
                        {
                            throw PastTheEnd("deletes");
                        }

                        if (same == false)
                        {
                            throw new LiveSyncException(ErrorCodes.InvalidOp, "The op deletes text that differs from the document's text at that position.");
                        }

                        break;
                }
            }

            editor.KeepRest();
            return editor.Output.Build();
        }
        finally
        {
            editor.Output.Dispose();
        }
    }

    private LiveSyncException PastTheEnd(string what) =>
        new(ErrorCodes.InvalidOp, $"The op {what} past the end of the document ({CodePointCount} code points).");

    private readonly record struct Chunk(string Text, int CodePoints);

    // Walks the old chunks from the start of the document while an op is applied: what is kept goes to the output,
    // whole chunks by reference where it can, partial ones through the output's pending text.
    private struct Editor(Chunk[] source, Builder output)
    {
        private int _index;
        private int _offset;

        public Builder Output = output;

        // Keeps count code points; false when the text ends first.
        public bool Keep(int count)
        {
            while (count > 0)
            {
                if (_index == source.Length)
                {
                    return false;
                }

                if (_offset == 0)
                {
                    // The whole chunks the skip covers, kept in one go.
                    var end = _index;
                    while (end < source.Length && source[end].CodePoints <= count)
                    {
                        count -= source[end].CodePoints;
                        end++;
                    }

                    if (end > _index)
                    {
                        Output.AddRange(source.AsSpan(_index, end - _index));
                        _index = end;
                        continue;
                    }
                }

                Output.Append(Take(source[_index], ref count));
            }

            return true;
        }

        // Drops count code points; null when the text ends first, else whether the dropped text equals expected
        // (true when there is none). As in TextType, running past the end is the error even where the text differs.
        public bool? Drop(int count, string? expected)
        {
            var same = true;
            var compared = 0;
            while (count > 0)
            {
                if (_index == source.Length)
                {
                    return null;
                }

                var piece = Take(source[_index], ref count);
                if (expected is not null && same)
                {
                    same = expected.Length - compared >= piece.Length && piece.SequenceEqual(expected.AsSpan(compared, piece.Length));
                    compared += piece.Length;
                }
            }

            return same && (expected is null || compared == expected.Length);
        }

        public void KeepRest()
        {
            if (_offset > 0)
            {
                Output.Append(source[_index].Text.AsSpan(_offset));
                _index++;
                _offset = 0;
            }

            Output.AddRange(source.AsSpan(_index));
            _index = source.Length;
        }

        // The next at most count code points of chunk from the current offset, moving past them.
        private ReadOnlySpan<char> Take(Chunk chunk, ref int count)
        {
            int end;
            if (_offset == 0 && chunk.CodePoints <= count)
            {
                end = chunk.Text.Length;
                count -= chunk.CodePoints;
            }
            else
            {
                end = CodePoints.Advance(chunk.Text, _offset, count);
                if (end < 0)
                {
                    end = chunk.Text.Length;
                    count -= CodePoints.Count(chunk.Text.AsSpan(_offset));
                }
                else
                {
                    count = 0;
                }
            }

            var piece = chunk.Text.AsSpan(_offset, end - _offset);
            if (end == chunk.Text.Length)
            {
                _index++;
                _offset = 0;
            }
            else
            {
                _offset = end;
            }

            return piece;
        }
    }

    // Collects the new text's chunks: whole ones by reference, and pending text (partial chunks and inserts) that
    // becomes new chunks when a whole chunk follows or the text ends. Pending text shorter than a chunk's minimum
    // takes in the whole chunk after it, or at the end the chunk before it, so no chunk is left short.
    private struct Builder(int capacity) : IDisposable
    {
        private Chunk[] _chunks = ArrayPool<Chunk>.Shared.Rent(capacity);
        private int _count;
        private int _length;
        private int _codePoints;
        private char[] _pending = [];
        private int _pendingLength;

        // A whole chunk of the old text: shared, unless pending text short of a chunk takes it in, or it is short
        // itself (the whole old text was one short chunk) and goes to pending to be merged.
        public void Add(Chunk chunk)
        {
            if (_pendingLength >= MinChunkLength)
            {
                Flush();
            }

            if (_pendingLength == 0 && chunk.Text.Length >= MinChunkLength)
            {
                Push(chunk);
            }
            else
            {
                Append(chunk.Text);
            }
        }

        // Whole chunks of the old text, in order: the first few through Add while text is pending or a chunk is
        // short (only the whole of a short text is), the rest copied as a block.
        public void AddRange(ReadOnlySpan<Chunk> chunks)
        {
            var i = 0;
            for (; i < chunks.Length && (_pendingLength > 0 || chunks[i].Text.Length < MinChunkLength); i++)
            {
                Add(chunks[i]);
            }

            chunks = chunks[i..];
            EnsureRoom(chunks.Length);
            chunks.CopyTo(_chunks.AsSpan(_count));
            _count += chunks.Length;
            foreach (var chunk in chunks)
            {
                _length += chunk.Text.Length;
                _codePoints += chunk.CodePoints;
            }
        }

        public void Push(string text) => Push(new Chunk(text, CodePoints.Count(text)));

        public void Append(ReadOnlySpan<char> text)
        {
            if (_pendingLength + text.Length > _pending.Length)
            {
                var grown = ArrayPool<char>.Shared.Rent(Math.Max(_pendingLength + text.Length, Math.Max(2 * _pending.Length, 2 * MaxChunkLength)));
                _pending.AsSpan(0, _pendingLength).CopyTo(grown);
                ReturnPending();
                _pending = grown;
            }

            text.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += text.Length;
        }

        // Cuts text longer than a chunk into nearly equal chunks, moving a cut that would split a surrogate pair
        // one char on (the pieces are sized one char under the maximum to leave room for that).
        public void AddSplit(ReadOnlySpan<char> text)
        {
            var pieces = (text.Length + MaxChunkLength - 2) / (MaxChunkLength - 1);
            var start = 0;
            for (var i = 1; i <= pieces; i++)
            {
                var end = (int)((long)text.Length * i / pieces);
                if (end < text.Length && char.IsLowSurrogate(text[end]) && char.IsHighSurrogate(text[end - 1]))
                {
                    end++;
                }

                Push(new string(text[start..end]));
                start = end;
            }
        }

        public ChunkedText Build()
        {
            if (_pendingLength > 0 && _pendingLength < MinChunkLength && _count > 0)
            {
                // A short tail: take in the chunk before it.
                var last = _chunks[--_count];
                _length -= last.Text.Length;
                _codePoints -= last.CodePoints;
                var tail = _pending.AsSpan(0, _pendingLength).ToArray();
                _pendingLength = 0;
                Append(last.Text);
                Append(tail);
            }

            Flush();
            if (_count == 0)
            {
                return Empty;
            }

            return new ChunkedText(_chunks.AsSpan(0, _count).ToArray(), _length, _codePoints);
        }

        public void Dispose()
        {
            ArrayPool<Chunk>.Shared.Return(_chunks, clearArray: true);
            _chunks = [];
            ReturnPending();
        }

        private void Flush()
        {
            if (_pendingLength == 0)
            {
                return;
            }

            var pending = _pending.AsSpan(0, _pendingLength);
            _pendingLength = 0;
            if (pending.Length <= MaxChunkLength)
            {
                Push(new string(pending));
            }
            else
            {
                AddSplit(pending);
            }
        }

        private void Push(Chunk chunk)
        {
            EnsureRoom(1);
            _chunks[_count++] = chunk;
            _length += chunk.Text.Length;
            _codePoints += chunk.CodePoints;
        }

        private void EnsureRoom(int more)
        {
            if (_count + more > _chunks.Length)
            {
                var grown = ArrayPool<Chunk>.Shared.Rent(Math.Max(2 * _chunks.Length, _count + more));
                _chunks.AsSpan(0, _count).CopyTo(grown);
                ArrayPool<Chunk>.Shared.Return(_chunks, clearArray: true);
                _chunks = grown;
            }
        }

        private void ReturnPending()
        {
            if (_pending.Length > 0)
            {
                ArrayPool<char>.Shared.Return(_pending);
            }

            _pending = [];
        }
    }
}
