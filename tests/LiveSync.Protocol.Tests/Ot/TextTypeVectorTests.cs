using System.Text.Json;
using LiveSync.Protocol.Ot;

namespace LiveSync.Protocol.Tests.Ot;

/// <summary>
/// Checks TextType against results recorded from the npm package ot-text-unicode by
/// vectors/generate-text-vectors.mjs (see there to regenerate vectors/text-vectors.json).
/// </summary>
public sealed class TextTypeVectorTests
{
    private static readonly TextType Type = TextType.Instance;

    private static readonly Lazy<JsonDocument> Vectors = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Ot", "vectors", "text-vectors.json"))));

    [Fact]
    public void Fixture_holds_the_recorded_cases()
    {
        var root = Vectors.Value.RootElement;
        Assert.StartsWith("ot-text-unicode@", root.GetProperty("package").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("cases").GetArrayLength() >= 300);
        Assert.True(root.GetProperty("raw").GetArrayLength() >= 100);
    }

    [Fact]
    public void Apply_transform_compose_and_transformPosition_match_ot_text_unicode()
    {
        var index = 0;
        foreach (var item in Vectors.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            var context = $"case {index}: {item.GetRawText()}";
            var doc = Type.Create(item.GetProperty("doc"));
            var a = Op(item, "a", context);
            var b = Op(item, "b", context);
            var c = Op(item, "c", context);

            Assert.True(item.GetProperty("applyA").GetString() == Type.Apply(doc, a), $"{context}: apply a");
            Assert.True(item.GetProperty("applyB").GetString() == Type.Apply(doc, b), $"{context}: apply b");
            AssertOp(item.GetProperty("transformLeft"), Type.Transform(a, b, TransformSide.Left), $"{context}: transform left");
            AssertOp(item.GetProperty("transformRight"), Type.Transform(a, b, TransformSide.Right), $"{context}: transform right");
            var composed = Type.Compose(a, c);
            AssertOp(item.GetProperty("composeAC"), composed, $"{context}: compose");
            Assert.True(item.GetProperty("applyComposeAC").GetString() == Type.Apply(doc, composed), $"{context}: apply compose");

            var cursors = item.GetProperty("cursors");
            var moved = item.GetProperty("transformPosition");
            for (var i = 0; i < cursors.GetArrayLength(); i++)
            {
                Assert.True(
                    moved[i].GetInt32() == TextType.TransformPosition(cursors[i].GetInt32(), a),
                    $"{context}: transformPosition of {cursors[i].GetInt32()}");
            }

            index++;
        }
    }

    [Fact]
    public void CheckOp_and_normalize_match_ot_text_unicode()
    {
        var index = 0;
        foreach (var item in Vectors.Value.RootElement.GetProperty("raw").EnumerateArray())
        {
            var context = $"raw {index}: {item.GetRawText()}";
            if (item.GetProperty("valid").GetBoolean())
            {
                AssertOp(item.GetProperty("normalized"), TextOp.Parse(item.GetProperty("op")), context);
            }
            else
            {
                var e = Assert.Throws<LiveSyncException>(() => TextOp.Parse(item.GetProperty("op")));
                Assert.True(e.Code == ErrorCodes.InvalidOp, context);
            }

            index++;
        }
    }

    private static TextOp Op(JsonElement item, string name, string context)
    {
        var json = item.GetProperty(name);
        var op = TextOp.Parse(json);
        Assert.True(op.Count == json.GetArrayLength(), $"{context}: {name} was recorded normalized");
        return op;
    }

    // The fixture holds each op as JSON.stringify wrote it, so the text must match exactly: same components,
    // normalized the same way, escaped the same way.
    private static void AssertOp(JsonElement expected, TextOp actual, string context)
    {
        Assert.True(expected.GetRawText() == actual.ToJson(), $"{context}: expected {expected.GetRawText()}, got {actual}");
        Assert.True(TextOp.Parse(expected) == actual, $"{context}: parsed {expected.GetRawText()} differs from {actual}");
    }
}
