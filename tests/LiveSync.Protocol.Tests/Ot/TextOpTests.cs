using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Tests.Ot;

public sealed class TextOpTests
{
    [Theory]
    [InlineData("[]", "[]")]
    [InlineData("""[3,"hi",{"d":2}]""", """[3,"hi",{"d":2}]""")]
    [InlineData("""["a","b"]""", """["ab"]""")]
    [InlineData("""[{"d":1},{"d":2}]""", """[{"d":3}]""")]
    [InlineData("""[{"d":"ab"},{"d":"c"}]""", """[{"d":"abc"}]""")]
    [InlineData("""[{"d":"ab"},{"d":2}]""", """[{"d":4}]""")]
    [InlineData("""[{"d":2},{"d":"ab"}]""", """[{"d":4}]""")]
    [InlineData("""[1,"a","b",{"d":1},{"d":1},2,"c"]""", """[1,"ab",{"d":2},2,"c"]""")]
    [InlineData("""["a",{"d":1},"b"]""", """["a",{"d":1},"b"]""")]
    [InlineData("""[1.0,"x"]""", """[1,"x"]""")]
    [InlineData("""[{"d":2e0}]""", """[{"d":2}]""")]
    public void Parse_checks_and_normalizes(string json, string expected)
    {
        Assert.Equal(expected, TextOp.Parse(json).ToJson());
    }

    [Theory]
    [InlineData("{}", "array")]
    [InlineData("\"abc\"", "array")]
    [InlineData("3", "array")]
    [InlineData("null", "array")]
    [InlineData("[0,\"a\"]", "positive integer")]
    [InlineData("[-1,\"a\"]", "positive integer")]
    [InlineData("[1.5,\"a\"]", "positive integer")]
    [InlineData("[2147483648,\"a\"]", "positive integer")]
    [InlineData("[1]", "end with a skip")]
    [InlineData("[\"a\",1]", "end with a skip")]
    [InlineData("[1,2,\"a\"]", "adjacent skips")]
    [InlineData("[\"\"]", "empty")]
    [InlineData("[{\"d\":0}]", "positive integer")]
    [InlineData("[{\"d\":-2}]", "positive integer")]
    [InlineData("[{\"d\":\"\"}]", "empty")]
    [InlineData("[{\"d\":true}]", "delete")]
    [InlineData("[{\"d\":null}]", "delete")]
    [InlineData("[{}]", "delete")]
    [InlineData("[{\"i\":\"a\"}]", "delete")]
    [InlineData("[{\"d\":1,\"x\":1}]", "delete")]
    [InlineData("[{\"d\":1,\"d\":1}]", "delete")]
    [InlineData("[true]", "expected a skip")]
    [InlineData("[null]", "expected a skip")]
    [InlineData("[[1]]", "expected a skip")]
    [InlineData("[\"\\ud800\"]", "lone surrogate")]
    [InlineData("[\"a\\udc00b\"]", "lone surrogate")]
    [InlineData("[\"\\ude00\\ud83d\"]", "lone surrogate")]
    [InlineData("[{\"d\":\"\\ud83d\"}]", "lone surrogate")]
    [InlineData("[1,", "JSON")]
    public void Parse_rejects_invalid_ops_as_invalid_op(string json, string messagePart)
    {
        var e = Assert.Throws<LiveSyncException>(() => TextOp.Parse(json));
        Assert.Equal(ErrorCodes.InvalidOp, e.Code);
        Assert.Contains(messagePart, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_reads_escaped_surrogate_pairs_as_one_code_point()
    {
        var op = TextOp.Parse("""[1,"\ud83d\ude00",{"d":"\ud83d\udc7b"}]""");

        Assert.Equal(1, op.Components[1].Length);
        Assert.Equal("😀", op.Components[1].Text);
        Assert.Equal(1, op.Components[2].Length);
        Assert.Equal("👻", op.Components[2].Text);
    }

    [Fact]
    public void Parse_rejects_a_lone_surrogate_in_raw_utf16_text()
    {
        var json = "[\"a" + '\uD800' + "b\"]";
        var e = Assert.Throws<LiveSyncException>(() => TextOp.Parse(json));
        Assert.Equal(ErrorCodes.InvalidOp, e.Code);
    }

    [Fact]
    public void Parse_counts_code_points()
    {
        var op = TextOp.Parse("""[2,"a😅中",{"d":"👻👻x"}]""");

        Assert.Equal(3, op.Components.Length);
        Assert.Equal(TextComponentKind.Skip, op.Components[0].Kind);
        Assert.Equal(3, op.Components[1].Length);
        Assert.Equal(TextComponentKind.Delete, op.Components[2].Kind);
        Assert.Equal(3, op.Components[2].Length);
    }

    [Fact]
    public void WriteTo_writes_the_wire_form()
    {
        var op = TextOp.Parse("""[3,"héllo 😅",{"d":2},1,{"d":"x"}]""");
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            op.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(op, TextOp.Parse(document.RootElement));
        Assert.Equal("héllo 😅", document.RootElement[1].GetString());
        Assert.Equal(2, document.RootElement[2].GetProperty("d").GetInt32());
        Assert.Equal("""[3,"héllo 😅",{"d":2},1,{"d":"x"}]""", Normalize(Encoding.UTF8.GetString(buffer.ToArray())));
    }

    [Fact]
    public void ToString_is_the_json()
    {
        var op = TextOp.Parse("""[1,"a\"b",{"d":1}]""");

        Assert.Equal("""[1,"a\"b",{"d":1}]""", op.ToString());
        Assert.Equal("[]", TextOp.Empty.ToString());
        Assert.Equal("""{"d":"x"}""", TextComponent.Delete("x").ToString());
    }

    [Fact]
    public void ToJson_escapes_like_JSON_stringify()
    {
        var op = TextOp.Insert(0, "q\"b\\\n\t\r\b\f\u0001\u001f é😅<>&");

        Assert.Equal("""["q\"b\\\n\t\r\b\f\u0001\u001f é😅<>&"]""", op.ToJson());
        Assert.Equal(op, TextOp.Parse(op.ToJson()));
    }

    [Fact]
    public void Factories_make_the_ops_ot_text_unicode_makes()
    {
        Assert.Equal("""[3,"ab"]""", TextOp.Insert(3, "ab").ToJson());
        Assert.Equal("""["ab"]""", TextOp.Insert(0, "ab").ToJson());
        Assert.Equal("[]", TextOp.Insert(5, "").ToJson());
        Assert.Equal("""[3,{"d":2}]""", TextOp.Delete(3, 2).ToJson());
        Assert.Equal("""[{"d":2}]""", TextOp.Delete(0, 2).ToJson());
        Assert.Equal("[]", TextOp.Delete(4, 0).ToJson());
        Assert.Equal("""[3,{"d":"ab"}]""", TextOp.Delete(3, "ab").ToJson());
        Assert.Equal("[]", TextOp.Delete(3, "").ToJson());
        Assert.Equal("""[3,"x",{"d":2}]""", TextOp.Replace(3, 2, "x").ToJson());
        Assert.Equal("""[{"d":2}]""", TextOp.Replace(0, 2, "").ToJson());
        Assert.Equal(
            TextType.Instance.Compose(TextOp.Delete(3, 2), TextOp.Insert(3, "x")),
            TextOp.Replace(3, 2, "x"));
    }

    [Fact]
    public void Factories_reject_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TextOp.Insert(-1, "a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextOp.Delete(0, -1));
        Assert.Throws<ArgumentException>(() => TextOp.Insert(0, "a\uD800"));
        Assert.Throws<ArgumentException>(() => TextOp.Delete(0, "\uDC00"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextComponent.Skip(0));
        Assert.Throws<ArgumentException>(() => TextComponent.Insert(""));
    }

    [Fact]
    public void FromComponents_normalizes_like_ot_text_unicode()
    {
        var op = TextOp.FromComponents(
        [
            TextComponent.Skip(1),
            TextComponent.Skip(2),
            default,
            TextComponent.Insert("a"),
            TextComponent.Insert("😅"),
            TextComponent.Delete("x"),
            TextComponent.Delete("y"),
            TextComponent.Skip(4),
        ]);

        Assert.Equal("""[3,"a😅",{"d":"xy"}]""", op.ToJson());
        Assert.Same(TextOp.Empty, TextOp.FromComponents([TextComponent.Skip(3)]));
    }

    [Fact]
    public void Equality_compares_components()
    {
        Assert.Equal(TextOp.Parse("""[1,"a"]"""), TextOp.Parse("""[1,"a"]"""));
        Assert.True(TextOp.Parse("""[1,"a"]""") == TextOp.Insert(1, "a"));
        Assert.Equal(TextOp.Parse("""[1,"a"]""").GetHashCode(), TextOp.Insert(1, "a").GetHashCode());
        Assert.NotEqual(TextOp.Parse("""[{"d":1}]"""), TextOp.Parse("""[{"d":"a"}]"""));
        Assert.NotEqual(TextOp.Parse("""[1,"a"]"""), TextOp.Parse("""[1,"b"]"""));
        Assert.True(TextOp.Parse("""[1,"a"]""") != TextOp.Empty);
        Assert.True(TextOp.Empty.IsNoop);
    }

    // Utf8JsonWriter's default encoder escapes non-ASCII; compare the values, not the escaping.
    private static string Normalize(string json) => TextOp.Parse(json).ToJson();
}
