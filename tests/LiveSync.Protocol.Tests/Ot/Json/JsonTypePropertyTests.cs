using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Json;
using Xunit.Abstractions;

namespace LiveSync.Protocol.Tests.Ot.Json;

/// <summary>
/// Seeded random (document, op, op) cases over small nested documents: every kind of component, strings with
/// astral characters, ops of one to three components. Set LIVESYNC_OT_SEED to replay or explore another seed;
/// the seed is printed, and a failure message names it and the case.
/// </summary>
/// <remarks>
/// The generator makes the same kinds of ops as the vector generator, whose ot-json0 runs (60,000 cases) all
/// converged. ot-json0 only promises TP1 (one op against one op), which is what is checked here.
/// </remarks>
public sealed class JsonTypePropertyTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20240601;
    private const int Cases = 5000;

    private static readonly string[] Alphabet = ["a", "b", "c", " ", "\"", "\n", "é", "中", "😅", "🤖", "𝄞"];
    private static readonly string[] Keys = ["a", "b", "c", "d", "e"];
    private static readonly JsonType Type = JsonType.Instance;

    [Fact]
    public void Transform_converges_and_compose_equals_applying_in_turn()
    {
        var seed = Seed();
        output.WriteLine($"seed {seed} (set LIVESYNC_OT_SEED to replay)");
        var random = new Random(seed);
        var transformed = 0;
        for (var i = 0; i < Cases; i++)
        {
            var doc = RandomDoc(random);
            var before = doc.ToJson();
            var a = RandomOp(random, doc);
            var b = RandomOp(random, doc);
            var afterA = Type.Apply(doc, a);
            var c = RandomOp(random, afterA);
            var context = $"seed {seed} (LIVESYNC_OT_SEED), case {i}: doc {before}, a {a}, b {b}, c {c}";
            try
            {
                var afterB = Type.Apply(doc, b);
                var bPastA = Type.Transform(b, a, TransformSide.Right);
                var aPastB = Type.Transform(a, b, TransformSide.Left);
                var viaA = Type.Apply(afterA, bPastA);
                var viaB = Type.Apply(afterB, aPastB);
                Assert.True(viaA == viaB, $"{context}: a then b' = {viaA}, b then a' = {viaB} (b' {bPastA}, a' {aPastB})");
                if (aPastB != a)
                {
                    transformed++;
                }

                var composed = Type.Compose(a, c);
                var inTurn = Type.Apply(afterA, c);
                var atOnce = Type.Apply(doc, composed);
                Assert.True(inTurn == atOnce, $"{context}: a then c = {inTurn}, compose {composed} = {atOnce}");

                // Parsing normalizes again, which may merge further (ot-json0's normalize is not idempotent:
                // li X, ld X then li Y, ld Y leaves li X, ld X), but never changes what the op does.
                Assert.True(Type.Apply(doc, JsonOp.Parse(a.ToJson())) == afterA, $"{context}: a after a JSON round trip");
                Assert.True(Type.Apply(doc, JsonOp.Parse(composed.ToJson())) == atOnce, $"{context}: compose after a JSON round trip");
                Assert.True(Type.Apply(afterB, JsonOp.Parse(aPastB.ToJson())) == viaB, $"{context}: a' after a JSON round trip");
                Assert.True(before == doc.ToJson(), $"{context}: apply changed the snapshot it was given");
                Assert.True(UnescapedLength(doc) == doc.Size, $"{context}: size {doc.Size} of {doc}");
                Assert.True(UnescapedLength(viaA) == viaA.Size, $"{context}: size {viaA.Size} of {viaA}");
            }
            catch (LiveSyncException e)
            {
                Assert.Fail($"{context}: {e.Message}");
            }
        }

        // The generator must make conflicting ops, or the test proves little.
        Assert.True(transformed > Cases / 5, $"only {transformed} of {Cases} transforms changed the op");
    }

    [Fact]
    public void Snapshots_round_trip_through_json()
    {
        var seed = Seed();
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var doc = RandomDoc(random);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Type.Write(writer, doc);
            }

            using var parsed = JsonDocument.Parse(buffer.WrittenMemory);
            Assert.Equal(doc, Type.Read(parsed.RootElement));
        }
    }

    // Size counts the compact JSON text without escapes: rebuild that text and measure it.
    private static int UnescapedLength(ImmutableJson value)
    {
        var builder = new StringBuilder();
        Unescaped(value, builder);
        return builder.Length;
    }

    private static void Unescaped(ImmutableJson value, StringBuilder builder)
    {
        switch (value.Kind)
        {
            case JsonValueKind.String:
                builder.Append('"').Append(value.GetString()).Append('"');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                for (var i = 0; i < value.Count; i++)
                {
                    builder.Append(i > 0 ? "," : string.Empty);
                    Unescaped(value[i], builder);
                }

                builder.Append(']');
                break;
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in value.Properties)
                {
                    builder.Append(first ? string.Empty : ",").Append('"').Append(property.Key).Append("\":");
                    Unescaped(property.Value, builder);
                    first = false;
                }

                builder.Append('}');
                break;
            default:
                builder.Append(value.ToJson());
                break;
        }
    }

    private static int Seed()
    {
        var value = Environment.GetEnvironmentVariable("LIVESYNC_OT_SEED");
        return value is null ? DefaultSeed : int.Parse(value, CultureInfo.InvariantCulture);
    }

    private static ImmutableJson RandomDoc(Random random)
    {
        if (random.Next(8) == 0)
        {
            var items = new ImmutableJson[1 + random.Next(4)];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = RandomValue(random, 1);
            }

            return ImmutableJson.FromItems(items);
        }

        return RandomObject(random, 1, 2 + random.Next(3));
    }

    private static ImmutableJson RandomObject(Random random, int depth, int count)
    {
        var properties = new List<KeyValuePair<string, ImmutableJson>>();
        for (var i = 0; i < count; i++)
        {
            var key = Keys[random.Next(Keys.Length)];
            properties.RemoveAll(p => p.Key == key);
            properties.Add(new(key, RandomValue(random, depth)));
        }

        return ImmutableJson.FromProperties(properties.ToArray());
    }

    private static ImmutableJson RandomValue(Random random, int depth)
    {
        switch (random.Next(depth >= 2 ? 4 : 6))
        {
            case 0:
                return RandomNumber(random);
            case 1:
                return ImmutableJson.FromString(RandomText(random, 0, 4));
            case 2:
                return random.Next(3) switch { 0 => ImmutableJson.True, 1 => ImmutableJson.False, _ => ImmutableJson.Null };
            case 3:
                return random.Next(2) == 0 ? RandomNumber(random) : ImmutableJson.FromString(RandomText(random, 1, 3));
            case 4:
                var items = new ImmutableJson[random.Next(4)];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = RandomValue(random, depth + 1);
                }

                return ImmutableJson.FromItems(items);
            default:
                return RandomObject(random, depth + 1, random.Next(4));
        }
    }

    private static ImmutableJson RandomNumber(Random random) =>
        ImmutableJson.FromNumber(random.Next(4) == 0 ? random.Next(20) - 5 + 0.5 : random.Next(30) - 5);

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

    private static JsonOp RandomOp(Random random, ImmutableJson doc)
    {
        var components = new List<JsonOpComponent>();
        var steps = 1 + random.Next(random.Next(2) == 0 ? 3 : 1);
        var current = doc;
        for (var tries = 0; components.Count < steps && tries < 50; tries++)
        {
            var component = RandomComponent(random, current);
            if (component is not null)
            {
                components.Add(component);
                current = Type.Apply(current, JsonOp.FromComponents([component]));
            }
        }

        return JsonOp.FromComponents(components.ToArray());
    }

    private static JsonOpComponent? RandomComponent(Random random, ImmutableJson doc)
    {
        var nodes = new List<(JsonPathKey[] Path, ImmutableJson Value)>();
        Walk(doc, [], nodes);
        var kind = random.Next(11);
        var candidates = nodes.FindAll(kind switch
        {
            0 => n => n.Value.Kind == JsonValueKind.Number,
            1 => n => n.Value.Kind == JsonValueKind.Array,
            2 or 3 or 4 => n => n.Path.Length > 0 && n.Path[^1].IsIndex,
            5 => n => n.Value.Kind == JsonValueKind.Object && n.Value.Count < Keys.Length,
            6 or 7 => n => n.Path.Length > 0 && !n.Path[^1].IsIndex,
            8 or 9 => n => n.Value.Kind == JsonValueKind.String,
            _ => n => n.Path.Length == 0 && random.Next(6) == 0,
        });
        if (candidates.Count == 0)
        {
            return null;
        }

        var (path, value) = candidates[random.Next(candidates.Count)];
        switch (kind)
        {
            case 0:
                return JsonOpComponent.NumberAdd(path, random.Next(2) == 0 ? random.Next(10) - 3 : 0.5);
            case 1:
                return JsonOpComponent.ListInsert([.. path, random.Next(value.Count + 1)], RandomValue(random, 2));
            case 2:
                return JsonOpComponent.ListDelete(path, value);
            case 3:
                return JsonOpComponent.ListReplace(path, value, RandomValue(random, 2));
            case 4:
                var list = nodes.Find(n => n.Path.AsSpan().SequenceEqual(path.AsSpan(0, path.Length - 1))).Value;
                return JsonOpComponent.ListMove(path, random.Next(list.Count));
            case 5:
                var free = Array.FindAll(Keys, k => value.IndexOfProperty(k) < 0);
                return JsonOpComponent.ObjectInsert([.. path, free[random.Next(free.Length)]], RandomValue(random, 2));
            case 6:
                return JsonOpComponent.ObjectDelete(path, value);
            case 7:
                return JsonOpComponent.ObjectReplace(path, value, RandomValue(random, 2));
            case 8:
            case 9:
                var text = value.GetString();
                var boundaries = new List<int> { 0 };
                for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
                {
                    boundaries.Add(i + (char.IsSurrogatePair(text, i) ? 2 : 1));
                }

                var at = random.Next(boundaries.Count);
                if (kind == 8 || at == boundaries.Count - 1)
                {
                    return JsonOpComponent.StringInsert([.. path, boundaries[at]], RandomText(random, 1, 3));
                }

                var end = at + 1 + random.Next(Math.Min(3, boundaries.Count - 1 - at));
                return JsonOpComponent.StringDelete([.. path, boundaries[at]], text[boundaries[at]..boundaries[end]]);
            default:
                return JsonOpComponent.ObjectReplace([], value, RandomDoc(random));
        }
    }

    private static void Walk(ImmutableJson value, JsonPathKey[] path, List<(JsonPathKey[] Path, ImmutableJson Value)> nodes)
    {
        nodes.Add((path, value));
        if (value.Kind == JsonValueKind.Array)
        {
            for (var i = 0; i < value.Count; i++)
            {
                Walk(value[i], [.. path, i], nodes);
            }
        }
        else if (value.Kind == JsonValueKind.Object)
        {
            foreach (var property in value.Properties)
            {
                Walk(property.Value, [.. path, property.Key], nodes);
            }
        }
    }
}
