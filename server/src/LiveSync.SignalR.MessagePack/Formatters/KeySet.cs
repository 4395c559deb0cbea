using System.Buffers;
using System.Text;
using System.Text.Unicode;
using LiveSync.Protocol.MessagePack;

namespace LiveSync.SignalR.MessagePack.Formatters;

/// <summary>
/// The map keys of one message type, in the order System.Text.Json writes them (declaration order, camelCase):
/// writes a key by its index and finds the index of a key read.
/// </summary>
internal sealed class KeySet
{
    private readonly string[] _names;

    // Each key as UTF-8 (for matching) and as a whole MessagePack str, header included (for writing): saves
    // encoding the key and its header on every write.
    private readonly byte[][] _utf8;
    private readonly byte[][] _encoded;

    /// <summary>Creates the set.</summary>
    /// <param name="names">The keys, each at most 31 UTF-8 bytes (a fixstr).</param>
    public KeySet(params string[] names)
    {
        _names = names;
        _utf8 = new byte[names.Length][];
        _encoded = new byte[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            var utf8 = Encoding.UTF8.GetBytes(names[i]);
            if (utf8.Length > 31)
            {
                throw new ArgumentException($"The key '{names[i]}' is longer than a fixstr.", nameof(names));
            }

            _utf8[i] = utf8;
            _encoded[i] = [(byte)(0xa0 | utf8.Length), .. utf8];
        }
    }

    /// <summary>Writes the key at <paramref name="index"/>.</summary>
    /// <param name="writer">Where it goes.</param>
    /// <param name="index">The key's index.</param>
    public void Write(MessagePackWriter writer, int index) => writer.WriteRaw(_encoded[index]);

    /// <summary>
    /// Reads a map key and finds it: exactly first, then ignoring case as System.Text.Json's case-insensitive
    /// property matching does (<see cref="StringComparison.OrdinalIgnoreCase"/>). An integer key is read as its
    /// decimal text, as the JSON form has it.
    /// </summary>
    /// <param name="reader">The reader, left after the key.</param>
    /// <returns>The key's index, or -1 for a key not in the set (its value is to be skipped).</returns>
    /// <exception cref="InvalidDataException">The key is neither a string nor an integer, or not well-formed UTF-8.</exception>
    public int ReadIndex(ref MessagePackReader reader)
    {
        var type = reader.PeekType();
        if (type == MessagePackType.Integer)
        {
            // A decimal text never names a LiveSync property.
            reader.Skip();
            return -1;
        }

        if (type != MessagePackType.String)
        {
            throw new InvalidDataException($"A map key must be a string or an integer, not a {type}.");
        }

        var key = reader.ReadStringSequence()!.Value;
        if (key.Length > 256)
        {
            // Longer than any key in the set, even ignoring case; still checked as the JSON form checks it.
            ValidateUtf8(key.ToArray());
            return -1;
        }

        Span<byte> buffer = stackalloc byte[256];
        scoped ReadOnlySpan<byte> span;
        if (key.IsSingleSegment)
        {
            span = key.FirstSpan;
        }
        else
        {
            key.CopyTo(buffer);
            span = buffer[..(int)key.Length];
        }

        ValidateUtf8(span);
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (span.SequenceEqual(_utf8[i]))
            {
                return i;
            }
        }

        return IndexIgnoringCase(span);
    }

    private static void ValidateUtf8(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new InvalidDataException("A map key is not well-formed UTF-8.");
        }
    }

    private int IndexIgnoringCase(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[256];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        ReadOnlySpan<char> key = chars[..length];
        for (var i = 0; i < _names.Length; i++)
        {
            if (key.Equals(_names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
