using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Tests.Ot.Text;

/// <summary>
/// <see cref="ChunkedText"/> against <see cref="TextType"/> on plain strings: seeded random documents (up to tens of
/// thousands of chars, with astral characters next to chunk boundaries) and edit sessions, the same results and the
/// same errors, and the chunk rules kept after every op. Set LIVESYNC_OT_SEED to replay or explore another seed.
/// </summary>
public sealed class ChunkedTextTests
{
    private const int DefaultSeed = 20261121;

    private static readonly string[] Alphabet = ["a", "b", "c", " ", "\n", "é", "中", "😅", "🤖", "𝄞", "\"", "\\"];

    [Fact]
    public void Random_edit_sessions_give_what_TextType_gives_on_a_string()
    {
        var seed = Seed();
        var random = new Random(seed);
        for (var session = 0; session < 60; session++)
        {
            var text = RandomText(random, random.Next(4) switch { 0 => 0, 1 => 100, 2 => 3000, _ => 20000 });
            var chunked = ChunkedText.From(text);
            AssertSame(text, chunked, $"seed {seed}, session {session}, start");
            for (var step = 0; step < 100; step++)
            {
                var op = RandomOp(random, text);
                var context = $"seed {seed} (LIVESYNC_OT_SEED), session {session}, step {step}, op {Shorten(op.ToJson())}";
                text = TextType.Instance.Apply(text, op);
                chunked = chunked.Apply(op);
                AssertSame(text, chunked, context);
            }
        }
    }

    [Fact]
    public void Invalid_ops_fail_with_the_message_TextType_gives()
    {
        var seed = Seed();
        var random = new Random(seed);
        var failures = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random, random.Next(3) == 0 ? 5000 : 40);
            var op = RandomInvalidOp(random, text);
            var expected = Record.Exception(() => TextType.Instance.Apply(text, op));
            var actual = Record.Exception(() => ChunkedText.From(text).Apply(op));
            var context = $"seed {seed}, case {i}, op {Shorten(op.ToJson())} on {text.Length} chars";
            if (expected is null)
            {
                Assert.True(actual is null, $"{context}: {actual?.Message}");
                continue;
            }

            failures++;
            var error = Assert.IsType<LiveSyncException>(actual);
            Assert.Equal(ErrorCodes.InvalidOp, error.Code);
            Assert.True(expected.Message == error.Message, $"{context}: expected '{expected.Message}', got '{error.Message}'");
        }

        Assert.True(failures > 2000, $"only {failures} of the cases were invalid");
    }

    [Fact]
    public void An_edit_of_a_large_document_shares_every_chunk_it_does_not_touch()
    {
        var text = ChunkedText.From(new string('.', 200_000));
        var edited = text.Apply(TextOp.Insert(100_000, "hello"));

        var shared = Enumerable.Range(0, edited.ChunkCount)
            .Count(i => Enumerable.Range(0, text.ChunkCount).Any(j => ReferenceEquals(edited.GetChunk(i), text.GetChunk(j))));
        Assert.True(shared >= edited.ChunkCount - 2, $"{shared} of {edited.ChunkCount} chunks shared");
        Assert.Equal(200_005, edited.Length);
        Assert.Equal("hello", edited.ToString().Substring(100_000, 5));
    }

    [Fact]
    public void A_long_session_of_small_edits_keeps_chunks_between_their_limits()
    {
        var random = new Random(Seed());
        var text = ChunkedText.From(new string('x', 50_000));
        for (var i = 0; i < 20_000; i++)
        {
            var pos = random.Next(text.CodePointCount + 1);
            var op = random.Next(3) == 0 && pos + 8 <= text.CodePointCount
                ? TextOp.Delete(pos, 8)
                : TextOp.Insert(pos, random.Next(2) == 0 ? "12345678" : "😅");
            text = text.Apply(op);
        }

        AssertChunks(text, "after 20,000 edits");
        Assert.InRange(text.ChunkCount, text.Length / ChunkedText.MaxChunkLength, (text.Length / ChunkedText.MinChunkLength) + 1);
    }

    [Fact]
    public void Text_is_cut_without_splitting_a_surrogate_pair()
    {
        foreach (var text in new[] { string.Concat(Enumerable.Repeat("😅", 10_000)), "a" + string.Concat(Enumerable.Repeat("😅", 10_000)) })
        {
            var chunked = ChunkedText.From(text);
            AssertSame(text, chunked, "cut");
            Assert.True(chunked.ChunkCount > 1);
        }
    }

    [Fact]
    public void From_refuses_a_lone_surrogate()
    {
        Assert.Throws<ArgumentException>(() => ChunkedText.From("a\uD83Db"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(5000)]
    public void WriteTo_writes_the_JSON_string_of_the_whole_text(int length)
    {
        var text = RandomText(new Random(length), length);
        var chunked = ChunkedText.From(text);

        Assert.Equal(Json(w => w.WriteStringValue(text)), Json(chunked.WriteTo));
        Assert.Equal(Json(w => TextType.Instance.Write(w, text)), Json(w => ChunkedTextType.Instance.Write(w, chunked)));
    }

    [Fact]
    public void The_type_reads_writes_and_measures_as_the_text_type_does()
    {
        IOtType chunked = ChunkedTextType.Instance;
        IOtType plain = TextType.Instance;
        using var document = JsonDocument.Parse("\"héllo 😅 wörld\"");

        var snapshot = chunked.ReadSnapshot(document.RootElement);
        var op = chunked.ReadOp(JsonDocument.Parse("[6, {\"d\": \"😅\"}, \"🤖\"]").RootElement);
        var after = chunked.Apply(snapshot, op);

        Assert.Equal("text", chunked.Name);
        Assert.Equal("héllo 🤖 wörld", after!.ToString());
        Assert.Equal(plain.SnapshotSize(plain.Apply(plain.ReadSnapshot(document.RootElement), op)), chunked.SnapshotSize(after));
        Assert.True(chunked.SnapshotFits(after, 13));
        Assert.False(chunked.SnapshotFits(after, 12));
        Assert.Equal(string.Empty, chunked.CreateSnapshot(null)!.ToString());
        var bad = Assert.Throws<LiveSyncException>(() => chunked.ReadSnapshot(JsonDocument.Parse("42").RootElement));
        Assert.Equal(Assert.Throws<LiveSyncException>(() => plain.ReadSnapshot(JsonDocument.Parse("42").RootElement)).Message, bad.Message);
    }

    private static void AssertSame(string expected, ChunkedText actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: length {actual.Length}, expected {expected.Length}");
        Assert.True(expected == actual.ToString(), $"{context}: the texts differ");
        Assert.True(CodePoints.Count(expected) == actual.CodePointCount, $"{context}: {actual.CodePointCount} code points, expected {CodePoints.Count(expected)}");
        AssertChunks(actual, context);
    }

    private static void AssertChunks(ChunkedText text, string context)
    {
        var length = 0;
        for (var i = 0; i < text.ChunkCount; i++)
        {
            var chunk = text.GetChunk(i);
            length += chunk.Length;
            Assert.True(chunk.Length <= ChunkedText.MaxChunkLength, $"{context}: chunk {i} has {chunk.Length} chars");
            Assert.True(text.ChunkCount == 1 || chunk.Length >= ChunkedText.MinChunkLength, $"{context}: chunk {i} of {text.ChunkCount} has {chunk.Length} chars");
            Assert.True(chunk.Length > 0 && CodePoints.IsWellFormed(chunk), $"{context}: chunk {i} is empty or splits a surrogate pair");
        }

        Assert.Equal(text.Length, length);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("LIVESYNC_OT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    // Mostly ASCII with runs of astral and other characters, so surrogate pairs land on and near chunk boundaries.
    private static string RandomText(Random random, int approximateLength)
    {
        var builder = new StringBuilder(approximateLength + 2);
        while (builder.Length < approximateLength)
        {
            if (random.Next(8) == 0)
            {
                var item = Alphabet[random.Next(Alphabet.Length)];
                for (var run = random.Next(1, 40); run > 0; run--)
                {
                    builder.Append(item);
                }
            }
            else
            {
                builder.Append((char)('a' + random.Next(26)));
            }
        }

        return builder.ToString();
    }

    // A valid op: a few edits at random places, each an insert (sometimes longer than a chunk), a counted delete
    // or a delete carrying the document's text.
    private static TextOp RandomOp(Random random, string doc)
    {
        var length = CodePoints.Count(doc);
        var components = new List<TextComponent>();
        var pos = 0;
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var skip = random.Next(Math.Min(length - pos, random.Next(2) == 0 ? 50 : length) + 1);
            if (skip > 0)
            {
                components.Add(TextComponent.Skip(skip));
                pos += skip;
            }

            switch (random.Next(3))
            {
                case 0:
                    components.Add(TextComponent.Insert(RandomText(random, random.Next(10) == 0 ? random.Next(1, 6000) : random.Next(1, 12))));
                    break;
                default:
                    var count = Math.Min(length - pos, random.Next(10) == 0 ? random.Next(1, 5000) : random.Next(1, 12));
                    if (count == 0)
                    {
                        break;
                    }

                    if (random.Next(2) == 0)
                    {
                        components.Add(TextComponent.Delete(count));
                    }
                    else
                    {
                        var start = CodePoints.ToUtf16Index(doc, pos);
                        components.Add(TextComponent.Delete(doc[start..CodePoints.ToUtf16Index(doc, pos + count)]));
                    }

                    pos += count;
                    break;
            }
        }

        return TextOp.FromComponents(components.ToArray());
    }

    // Mostly invalid: a skip or delete past the end, a delete whose text differs (by a char, by its length, or by
    // an astral character standing for one), sometimes both; a few happen to be valid.
    private static TextOp RandomInvalidOp(Random random, string doc)
    {
        var length = CodePoints.Count(doc);
        var pos = random.Next(length + 1);
        var start = CodePoints.ToUtf16Index(doc, pos);
        var count = random.Next(1, 20);
        var end = pos + count <= length ? CodePoints.ToUtf16Index(doc, pos + count) : doc.Length;
        var actual = doc[start..end];
        var components = new List<TextComponent>();
        if (pos > 0)
        {
            components.Add(TextComponent.Skip(pos));
        }

        switch (random.Next(5))
        {
            case 0:
                components.Add(TextComponent.Insert("x"));
                components.Add(TextComponent.Skip(length - pos + random.Next(1, 3)));
                components.Add(TextComponent.Insert("y"));
                break;
            case 1:
                components.Add(TextComponent.Delete(length - pos + random.Next(1, 3)));
                break;
            case 2:
                var changed = actual.Length == 0 ? "q" : actual[..^1] + (actual[^1] == 'z' ? "y" : "z");
                components.Add(TextComponent.Delete(CodePoints.IsWellFormed(changed) ? changed : actual + "z"));
                break;
            case 3:
                components.Add(TextComponent.Delete(actual + (random.Next(2) == 0 ? "😅" : "a")));
                break;
            default:
                components.Add(TextComponent.Delete(actual.Length == 0 ? "😅" : "😅" + actual[CodePoints.ToUtf16Index(actual, 1)..]));
                break;
        }

        return TextOp.FromComponents(components.ToArray());
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
