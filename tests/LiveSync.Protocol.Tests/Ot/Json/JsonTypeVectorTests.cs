using System.Text.Json;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Json;

namespace LiveSync.Protocol.Tests.Ot.Json;

/// <summary>
/// Checks JsonType against results recorded from the npm package ot-json0 by
/// vectors/generate-json-vectors.mjs (see there to regenerate vectors/json-vectors.json). Ops and documents are
/// compared as JSON values: numbers by value, object properties in any order, component by component.
/// </summary>
public sealed class JsonTypeVectorTests
{
    private static readonly JsonType Type = JsonType.Instance;

    private static readonly Lazy<JsonDocument> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Ot", "Json", "vectors", "json-vectors.json"))));

    [Fact]
    public void Fixture_holds_the_recorded_cases()
    {
        var root = Vectors.Value.RootElement;
        Assert.StartsWith("ot-json0@", root.GetProperty("package").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("cases").GetArrayLength() >= 300);
        Assert.True(root.GetProperty("raw").GetArrayLength() >= 100);
    }

    [Fact]
    public void Apply_transform_and_compose_match_ot_json0()
    {
        var index = 0;
        var converged = 0;
        foreach (var item in Vectors.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            var context = $"case {index}: {item.GetRawText()}";
            var doc = Type.Create(item.GetProperty("doc"));
            var before = doc.ToJson();
            var a = Op(item, "a", context);
            var b = Op(item, "b", context);
            var c = Op(item, "c", context);

            AssertJson(item.GetProperty("applyA"), Type.Apply(doc, a), $"{context}: apply a");
            var afterA = Type.Apply(doc, a);
            var afterB = Type.Apply(doc, b);
            AssertJson(item.GetProperty("applyB"), afterB, $"{context}: apply b");

            var composed = Type.Compose(a, c);
            AssertOp(item.GetProperty("composeAC"), composed, $"{context}: compose");
            AssertJson(item.GetProperty("applyComposeAC"), Type.Apply(doc, composed), $"{context}: apply compose");

            if (item.TryGetProperty("transformError", out _))
            {
                Assert.Throws<LiveSyncException>(() => Type.Transform(a, b, TransformSide.Left));
            }
            else
            {
                var left = Type.Transform(a, b, TransformSide.Left);
                AssertOp(item.GetProperty("transformLeft"), left, $"{context}: transform left");
                AssertOp(item.GetProperty("transformRight"), Type.Transform(a, b, TransformSide.Right), $"{context}: transform right");
                if (item.GetProperty("converges").GetBoolean() && item.GetProperty("strict").GetBoolean())
                {
                    var expected = item.GetProperty("converged");
                    AssertJson(expected, Type.Apply(afterA, Type.Transform(b, a, TransformSide.Right)), $"{context}: a then b'");
                    AssertJson(expected, Type.Apply(afterB, left), $"{context}: b then a'");
                    converged++;
                }
            }

            Assert.True(before == doc.ToJson(), $"{context}: the snapshot changed");
            index++;
        }

        Assert.True(converged > index / 2, $"only {converged} of {index} cases are checked for convergence");
    }

    [Fact]
    public void Normalize_and_apply_of_raw_ops_match_ot_json0()
    {
        var index = 0;
        foreach (var item in Vectors.Value.RootElement.GetProperty("raw").EnumerateArray())
        {
            var context = $"raw {index}: {item.GetRawText()}";
            var op = Op(item, "op", context);
            AssertOp(item.GetProperty("normalized"), op, context);
            AssertJson(item.GetProperty("result"), Type.Apply(Type.Create(item.GetProperty("doc")), op), $"{context}: apply");
            index++;
        }
    }

    private static JsonOp Op(JsonElement item, string name, string context)
    {
        try
        {
            return JsonOp.Parse(item.GetProperty(name));
        }
        catch (LiveSyncException e)
        {
            Assert.Fail($"{context}: op {name}: {e.Message}");
            throw;
        }
    }

    private static void AssertOp(JsonElement expected, JsonOp actual, string context) =>
        Assert.True(
            ImmutableJson.FromElement(expected) == ImmutableJson.Parse(actual.ToJson()),
            $"{context}: expected {expected.GetRawText()}, got {actual}");

    private static void AssertJson(JsonElement expected, ImmutableJson actual, string context) =>
        Assert.True(ImmutableJson.FromElement(expected) == actual, $"{context}: expected {expected.GetRawText()}, got {actual}");
}
