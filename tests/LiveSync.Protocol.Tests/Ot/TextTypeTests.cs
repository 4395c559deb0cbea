using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot;

namespace LiveSync.Protocol.Tests.Ot;

public sealed class TextTypeTests
{
    private static readonly TextType Type = TextType.Instance;

    [Fact]
    public void Is_registered_as_text()
    {
        Assert.Equal("text", Type.Name);
        Assert.Same(Type, OtTypes.Find("text"));
        Assert.True(Type.CanCompose);
    }

    [Fact]
    public void Create_takes_a_string_or_nothing()
    {
        Assert.Equal("", Type.Create(null));
        Assert.Equal("", Type.Create(Json("null")));
        Assert.Equal("hé😅", Type.Create(Json("\"hé😅\"")));
        Assert.Equal("😅", Type.Create(Json("\"\\ud83d\\ude05\"")));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"a\\udfffb\"")]
    public void Create_and_Read_reject_anything_but_a_well_formed_string(string json)
    {
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<LiveSyncException>(() => Type.Create(Json(json))).Code);
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<LiveSyncException>(() => Type.Read(Json(json))).Code);
    }

    [Fact]
    public void Snapshots_round_trip_through_the_untyped_interface()
    {
        IOtType type = Type;
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            type.WriteSnapshot(writer, "a\"b😅");
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal("a\"b😅", type.ReadSnapshot(document.RootElement));
        Assert.Equal(3L + 1, type.SnapshotSize("a\"b😅"));
    }

    [Theory]
    [InlineData("abcd", 4, true)]
    [InlineData("abcd", 3, false)]
    [InlineData("ab😅😅", 4, true)] // 6 UTF-16 chars, 4 code points: counted, not judged by length
    [InlineData("ab😅😅", 3, false)]
    public void A_snapshot_fits_a_limit_counted_in_code_points(string text, long limit, bool fits)
    {
        IOtType type = Type;
        Assert.Equal(fits, type.SnapshotFits(text, limit));
        Assert.Equal(type.SnapshotSize(text) <= limit, fits);
    }

    [Fact]
    public void Ops_round_trip_through_the_untyped_interface()
    {
        IOtType type = Type;
        var op = type.ReadOp(Json("""[1,"a",{"d":"b"}]"""));
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            type.WriteOp(writer, op);
        }

        Assert.Equal("""[1,"a",{"d":"b"}]""", Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal("xa", type.Apply("xb", op));
    }

    [Theory]
    [InlineData("abc", "[]", "abc")]
    [InlineData("abc", """["x"]""", "xabc")]
    [InlineData("abc", """[3,"x"]""", "abcx")]
    [InlineData("abc", """[1,{"d":1}]""", "ac")]
    [InlineData("abc", """[{"d":"abc"}]""", "")]
    [InlineData("abc", """[1,"xy",{"d":"b"},"z"]""", "axyzc")]
    [InlineData("a😅b", """[1,{"d":1}]""", "ab")]
    [InlineData("a😅b", """[2,"中"]""", "a😅中b")]
    [InlineData("😅😅😅", """[1,{"d":"😅"},1,"👻"]""", "😅😅👻")]
    [InlineData("", """["😅"]""", "😅")]
    public void Apply_counts_code_points(string doc, string op, string expected)
    {
        Assert.Equal(expected, Type.Apply(doc, TextOp.Parse(op)));
    }

    [Theory]
    [InlineData("abc", """[4,"x"]""", "past the end")]
    [InlineData("a😅", """[3,"x"]""", "past the end")]
    [InlineData("abc", """[2,{"d":2}]""", "past the end")]
    [InlineData("abc", """[{"d":"abd"}]""", "differs")]
    [InlineData("a😅", """[1,{"d":"👻"}]""", "differs")]
    public void Apply_rejects_ops_that_do_not_fit_the_document(string doc, string op, string messagePart)
    {
        var e = Assert.Throws<LiveSyncException>(() => Type.Apply(doc, TextOp.Parse(op)));
        Assert.Equal(ErrorCodes.InvalidOp, e.Code);
        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_handles_ops_with_many_components()
    {
        var doc = new string('a', 200);
        var components = new StringBuilder("[");
        for (var i = 0; i < 100; i++)
        {
            components.Append(i == 0 ? "" : ",").Append("1,\"😅\"");
        }

        var op = TextOp.Parse(components.Append(']').ToString());
        var result = Type.Apply(doc, op);

        Assert.Equal(300, Type.Size(result));
        Assert.StartsWith("a😅a😅", result, StringComparison.Ordinal);
    }

    [Theory]
    // Inserts at one position: the left op's goes first.
    [InlineData("""["a"]""", """["b"]""", "left", """["a"]""")]
    [InlineData("""["a"]""", """["b"]""", "right", """[1,"a"]""")]
    [InlineData("""[2,"😅"]""", """[2,"👻👻"]""", "right", """[4,"😅"]""")]
    // An insert after the other op's insert moves by its code-point length.
    [InlineData("""[3,"x"]""", """[1,"😅中"]""", "left", """[5,"x"]""")]
    // Deletes of already deleted text vanish; an overlapping delete is trimmed, text and all.
    [InlineData("""[1,{"d":2}]""", """[1,{"d":2}]""", "left", "[]")]
    [InlineData("""[1,{"d":"bcd"}]""", """[2,{"d":"cde"}]""", "left", """[1,{"d":"b"}]""")]
    [InlineData("""[{"d":"a😅c"}]""", """[1,{"d":1}]""", "left", """[{"d":"ac"}]""")]
    [InlineData("""[{"d":4}]""", """[1,"x"]""", "left", """[{"d":1},1,{"d":3}]""")]
    // An insert inside text the other op deletes survives, at the deletion's start.
    [InlineData("""[2,"x"]""", """[1,{"d":3}]""", "left", """[1,"x"]""")]
    // A delete after the other op's delete moves back.
    [InlineData("""[5,{"d":1}]""", """[{"d":2}]""", "right", """[3,{"d":1}]""")]
    public void Transform_matches_ot_text_unicode(string op, string other, string side, string expected)
    {
        var result = Type.Transform(TextOp.Parse(op), TextOp.Parse(other), side == "left" ? TransformSide.Left : TransformSide.Right);

        Assert.Equal(expected, result.ToJson());
    }

    [Fact]
    public void Transform_by_or_of_a_noop_is_the_op()
    {
        var op = TextOp.Parse("""[1,"a"]""");

        Assert.Same(op, Type.Transform(op, TextOp.Empty, TransformSide.Left));
        Assert.Same(TextOp.Empty, Type.Transform(TextOp.Empty, op, TransformSide.Right));
    }

    [Theory]
    [InlineData("""[1,"a"]""", """[2,"b"]""", """[1,"ab"]""")]
    [InlineData("""[1,"abc"]""", """[2,{"d":1}]""", """[1,"ac"]""")]
    [InlineData("""[1,"abc"]""", """[1,{"d":3}]""", "[]")]
    [InlineData("""[{"d":2}]""", """[{"d":2}]""", """[{"d":4}]""")]
    [InlineData("""[{"d":"ab"}]""", """[{"d":"cd"}]""", """[{"d":"abcd"}]""")]
    [InlineData("""[1,{"d":"b"}]""", """[{"d":"ac"}]""", """[{"d":"abc"}]""")]
    [InlineData("""[1,{"d":1}]""", """[{"d":2}]""", """[{"d":3}]""")]
    [InlineData("""["😅"]""", """[1,"👻"]""", """["😅👻"]""")]
    [InlineData("""[{"d":3}]""", """["x"]""", """["x",{"d":3}]""")]
    [InlineData("""[2,"x"]""", """[{"d":"a😅"},1,{"d":1}]""", """[{"d":"a😅"},"x",{"d":1}]""")]
    public void Compose_matches_ot_text_unicode(string first, string second, string expected)
    {
        Assert.Equal(expected, Type.Compose(TextOp.Parse(first), TextOp.Parse(second)).ToJson());
    }

    [Theory]
    [InlineData(0, """["ab"]""", 0)]
    [InlineData(1, """["ab"]""", 3)]
    [InlineData(2, """[2,"ab"]""", 2)]
    [InlineData(3, """[2,"😅b"]""", 5)]
    [InlineData(3, """[1,{"d":1}]""", 2)]
    [InlineData(2, """[1,{"d":3}]""", 1)]
    [InlineData(5, """[1,{"d":3}]""", 2)]
    [InlineData(1, """[1,{"d":3}]""", 1)]
    [InlineData(4, """[{"d":"a😅"},"xyz"]""", 5)]
    [InlineData(9, "[]", 9)]
    public void TransformPosition_matches_ot_text_unicode(int cursor, string op, int expected)
    {
        Assert.Equal(expected, TextType.TransformPosition(cursor, TextOp.Parse(op)));
    }

    [Fact]
    public void Size_counts_code_points()
    {
        Assert.Equal(0, Type.Size(""));
        Assert.Equal(3, Type.Size("a😅b"));
        Assert.Equal(2, Type.Size("中😅"));
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
