using System.Globalization;
using System.Text;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Tests.Ot;

/// <summary>
/// Seeded random (document, op, op) cases over ASCII, BMP and astral text. Set LIVESYNC_OT_SEED to replay or
/// explore another seed; a failure message names the seed and the case.
/// </summary>
public sealed class TextTypePropertyTests
{
    private const int DefaultSeed = 20240601;
    private const int Cases = 5000;

    private static readonly string[] Alphabet = ["a", "b", "c", " ", "\n", "é", "中", "😅", "🤖", "👻", "𝄞"];

    private static readonly TextType Type = TextType.Instance;

    [Fact]
    public void Transform_converges_and_compose_equals_applying_in_turn()
    {
        var seed = Seed();
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
        {
            var doc = RandomText(random, 0, 16);
            var a = RandomOp(random, doc);
            var b = RandomOp(random, doc);
            var afterA = Type.Apply(doc, a);
            var c = RandomOp(random, afterA);
            var context = $"seed {seed} (LIVESYNC_OT_SEED), case {i}: doc {Quote(doc)}, a {a}, b {b}, c {c}";
            try
            {
                var afterB = Type.Apply(doc, b);
                var bPastA = Type.Transform(b, a, TransformSide.Right);
                var aPastB = Type.Transform(a, b, TransformSide.Left);
                var viaA = Type.Apply(afterA, bPastA);
                var viaB = Type.Apply(afterB, aPastB);
                Assert.True(viaA == viaB, $"{context}: a then b' = {Quote(viaA)}, b then a' = {Quote(viaB)} (b' {bPastA}, a' {aPastB})");

                var composed = Type.Compose(a, c);
                var inTurn = Type.Apply(afterA, c);
                var atOnce = Type.Apply(doc, composed);
                Assert.True(inTurn == atOnce, $"{context}: a then c = {Quote(inTurn)}, compose {composed} = {Quote(atOnce)}");

                Assert.Equal(a, TextOp.Parse(a.ToJson()));
                Assert.Equal(composed, TextOp.Parse(composed.ToJson()));
                Assert.Equal(aPastB, TextOp.Parse(aPastB.ToJson()));
            }
            catch (LiveSyncException e)
            {
                Assert.Fail($"{context}: {e.Message}");
            }
        }
    }

    [Fact]
    public void TransformPosition_moves_a_cursor_with_the_text_before_it()
    {
        var seed = Seed();
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
        {
            var doc = RandomText(random, 0, 16);
            var op = RandomOp(random, doc);
            var cursor = random.Next(CodePoints.Count(doc) + 1);
            var moved = TextType.TransformPosition(cursor, op);
            var expected = ExpectedPosition(cursor, op);

            Assert.True(
                moved == expected,
                $"seed {seed} (LIVESYNC_OT_SEED), case {i}: doc {Quote(doc)}, op {op}, cursor {cursor} -> {moved}, expected {expected}");
            Assert.InRange(moved, 0, CodePoints.Count(Type.Apply(doc, op)));
        }
    }

    // Where the cursor lands, walked in document positions before (pre) and after (post) the op: inserts before
    // the cursor push it on, an insert exactly at it goes after it, and inside deleted text it falls to the start.
    private static int ExpectedPosition(int cursor, TextOp op)
    {
        var pre = 0;
        var post = 0;
        foreach (var component in op.Components)
        {
            if (pre >= cursor)
            {
                break;
            }

            switch (component.Kind)
            {
                case TextComponentKind.Skip when cursor < pre + component.Length:
                    return post + (cursor - pre);
                case TextComponentKind.Skip:
                    pre += component.Length;
                    post += component.Length;
                    break;
                case TextComponentKind.Insert:
                    post += component.Length;
                    break;
                case TextComponentKind.Delete when cursor < pre + component.Length:
                    return post;
                case TextComponentKind.Delete:
                    pre += component.Length;
                    break;
            }
        }

        return post + (cursor - pre);
    }

    private static int Seed()
    {
        var value = Environment.GetEnvironmentVariable("LIVESYNC_OT_SEED");
        return value is null ? DefaultSeed : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static string RandomText(Random random, int min, int max)
    {
        var builder = new StringBuilder();
        var count = random.Next(min, max + 1);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    // A random op valid on doc: skips, inserts (astral included) and deletes by count or by the exact text.
    private static TextOp RandomOp(Random random, string doc)
    {
        var length = CodePoints.Count(doc);
        var pos = 0;
        var components = new List<TextComponent>();
        var steps = random.Next(1, 7);
        for (var i = 0; i < steps; i++)
        {
            var left = length - pos;
            switch (random.Next(3))
            {
                case 0 when left > 0:
                    var skip = random.Next(1, Math.Min(left, 5) + 1);
                    components.Add(TextComponent.Skip(skip));
                    pos += skip;
                    break;
                case 1:
                    components.Add(TextComponent.Insert(RandomText(random, 1, 3)));
                    break;
                case 2 when left > 0:
                    var count = random.Next(1, Math.Min(left, 5) + 1);
                    if (random.Next(2) == 0)
                    {
                        components.Add(TextComponent.Delete(count));
                    }
                    else
                    {
                        var start = CodePoints.ToUtf16Index(doc, pos);
                        var end = CodePoints.ToUtf16Index(doc, pos + count);
                        components.Add(TextComponent.Delete(doc[start..end]));
                    }

                    pos += count;
                    break;
            }
        }

        return TextOp.FromComponents(components.ToArray());
    }

    private static string Quote(string text) => TextOp.Insert(0, text).ToJson();
}
