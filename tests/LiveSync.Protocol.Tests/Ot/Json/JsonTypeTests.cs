using System.Text;
using System.Text.Json;
using LiveSync.Protocol.Ot;
using LiveSync.Protocol.Ot.Json;

namespace LiveSync.Protocol.Tests.Ot.Json;

public sealed class JsonTypeTests
{
    private static readonly JsonType Type = JsonType.Instance;

    [Fact]
    public void Is_registered_as_json()
    {
        Assert.Same(JsonType.Instance, OtTypes.Find("json"));
        Assert.Same(JsonType.Instance, OtTypes.Json);
        Assert.Equal("json", OtTypes.Json.Name);
        Assert.True(OtTypes.Json.CanCompose);
    }

    [Fact]
    public void Create_without_data_is_null_and_with_data_is_that_value()
    {
        Assert.Same(ImmutableJson.Null, Type.Create(null));
        using var data = JsonDocument.Parse("""{"a":[1,2.5,"x"],"b":{"c":null}}""");
        var doc = Type.Create(data.RootElement);
        Assert.Equal("""{"a":[1,2.5,"x"],"b":{"c":null}}""", doc.ToJson());
        Assert.Equal(doc.ToJson().Length, Type.Size(doc));
    }

    [Theory]
    [InlineData("""{"n":1}""", """[{"p":["n"],"na":2.5}]""", """{"n":3.5}""")]
    [InlineData("""5""", """[{"p":[],"na":-5}]""", """0""")]
    [InlineData("""{"l":[1,2]}""", """[{"p":["l",1],"li":{"x":1}}]""", """{"l":[1,{"x":1},2]}""")]
    [InlineData("""{"l":[1,2]}""", """[{"p":["l",2],"li":3}]""", """{"l":[1,2,3]}""")]
    [InlineData("""{"l":[1,{"x":[true]}]}""", """[{"p":["l",1],"ld":{"x":[true]}}]""", """{"l":[1]}""")]
    [InlineData("""{"l":[1,2]}""", """[{"p":["l",0],"ld":1,"li":"one"}]""", """{"l":["one",2]}""")]
    [InlineData("""[0,1,2,3]""", """[{"p":[0],"lm":3}]""", """[1,2,3,0]""")]
    [InlineData("""[0,1,2,3]""", """[{"p":[3],"lm":1}]""", """[0,3,1,2]""")]
    [InlineData("""[0,1]""", """[{"p":[1],"lm":1}]""", """[0,1]""")]
    [InlineData("""{"a":1}""", """[{"p":["b"],"oi":[1]}]""", """{"a":1,"b":[1]}""")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"oi":2}]""", """{"a":2}""")]
    [InlineData("""{"a":{"b":1},"c":2}""", """[{"p":["a"],"od":{"b":1}}]""", """{"c":2}""")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"od":1,"oi":null}]""", """{"a":null}""")]
    [InlineData("""{"a":1}""", """[{"p":[],"od":{"a":1},"oi":[]}]""", """[]""")]
    [InlineData("""null""", """[{"p":[],"oi":{"x":1}}]""", """{"x":1}""")]
    [InlineData("""{"s":"a😅b"}""", """[{"p":["s",3],"si":"XY"}]""", """{"s":"a😅XYb"}""")]
    [InlineData("""{"s":"a😅b"}""", """[{"p":["s",1],"sd":"😅"}]""", """{"s":"ab"}""")]
    [InlineData("""["hello"]""", """[{"p":[0,5],"si":"!"},{"p":[0,0],"sd":"h"}]""", """["ello!"]""")]
    [InlineData("""{"a":1}""", """[]""", """{"a":1}""")]
    public void Applies_each_component_kind(string doc, string op, string expected)
    {
        var snapshot = ImmutableJson.Parse(doc);
        var result = Type.Apply(snapshot, JsonOp.Parse(op));
        Assert.Equal(ImmutableJson.Parse(expected), result);
        Assert.Equal(ImmutableJson.Parse(doc), snapshot);
    }

    [Fact]
    public void Apply_leaves_the_snapshot_alone_and_shares_what_the_op_does_not_touch()
    {
        var snapshot = ImmutableJson.Parse("""{"keep":{"big":[1,2,3]},"edit":{"n":1}}""");
        var result = Type.Apply(snapshot, JsonOp.Parse("""[{"p":["edit","n"],"na":1}]"""));
        Assert.Equal("""{"keep":{"big":[1,2,3]},"edit":{"n":1}}""", snapshot.ToJson());
        Assert.Equal("""{"keep":{"big":[1,2,3]},"edit":{"n":2}}""", result.ToJson());
        Assert.Same(snapshot["keep"], result["keep"]);
    }

    [Theory]
    [InlineData("""{"a":1}""", """[{"p":["b","c"],"oi":1}]""", "no property 'b'")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"od":2}]""", "\"od\" differs")]
    [InlineData("""{"a":1}""", """[{"p":["b"],"od":1}]""", "does not have")]
    [InlineData("""{"a":1}""", """[{"p":["a"],"od":2,"oi":3}]""", "\"od\" differs")]
    [InlineData("""{"a":1}""", """[{"p":[],"od":{"a":2},"oi":3}]""", "root")]
    [InlineData("""[1,{"x":1}]""", """[{"p":[1],"ld":{"x":2}}]""", "\"ld\" differs")]
    [InlineData("""[1,2]""", """[{"p":[3],"li":0}]""", "past the end")]
    [InlineData("""[1,2]""", """[{"p":[2],"ld":0}]""", "past the end")]
    [InlineData("""[1,2]""", """[{"p":[0],"lm":2}]""", "past the end")]
    [InlineData("""{"l":1}""", """[{"p":["l",0],"li":0}]""", "needs a list")]
    [InlineData("""[1]""", """[{"p":["a"],"oi":0}]""", "needs an object")]
    [InlineData("""{"n":"1"}""", """[{"p":["n"],"na":1}]""", "needs a number")]
    [InlineData("""{"n":1e308}""", """[{"p":["n"],"na":1e308}]""", "infinite")]
    [InlineData("""{"s":"abc"}""", """[{"p":["s",4],"si":"x"}]""", "past the end")]
    [InlineData("""{"s":"a😅"}""", """[{"p":["s",2],"si":"x"}]""", "surrogate pair")]
    [InlineData("""{"s":"abc"}""", """[{"p":["s",1],"sd":"c"}]""", "\"sd\" differs")]
    [InlineData("""{"s":1}""", """[{"p":["s",0],"si":"x"}]""", "needs a string")]
    public void Apply_rejects_a_component_that_does_not_fit(string doc, string op, string reason)
    {
        var snapshot = ImmutableJson.Parse(doc);
        var e = Assert.Throws<LiveSyncException>(() => Type.Apply(snapshot, JsonOp.Parse(op)));
        Assert.Equal(ErrorCodes.InvalidOp, e.Code);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(ImmutableJson.Parse(doc), snapshot);
    }

    [Theory]
    [InlineData("""{"p":["a"],"oi":1}""", "array of components")]
    [InlineData("""[{"oi":1}]""", "missing")]
    [InlineData("""[{"p":"a","oi":1}]""", "must be an array")]
    [InlineData("""[{"p":[true],"oi":1}]""", "list indexes")]
    [InlineData("""[{"p":[-1],"li":1}]""", "non-negative integer")]
    [InlineData("""[{"p":[1.5],"li":1}]""", "non-negative integer")]
    [InlineData("""[{"p":["a"]}]""", "no instruction")]
    [InlineData("""[{"p":["a"],"oi":1,"na":1}]""", "too many")]
    [InlineData("""[{"p":[0],"li":1,"lm":1}]""", "too many")]
    [InlineData("""[{"p":["a"],"x":1}]""", "unknown property")]
    [InlineData("""[{"p":["a"],"t":"text0","o":[{"p":0,"i":"x"}]}]""", "subtype")]
    [InlineData("""[{"p":["a"],"li":1}]""", "end with the item's index")]
    [InlineData("""[{"p":[0],"oi":1}]""", "end with the property name")]
    [InlineData("""[{"p":["s"],"si":"x"}]""", "UTF-16 offset")]
    [InlineData("""[{"p":[],"od":1}]""", "root")]
    [InlineData("""[{"p":["s",0],"si":1}]""", "must be a string")]
    [InlineData("""[{"p":["s",0],"si":"\ud800"}]""", "lone surrogate")]
    [InlineData("""[{"p":["s",0],"sd":"a\udc00"}]""", "lone surrogate")]
    [InlineData("""[{"p":["a"],"oi":"\udfff"}]""", "lone surrogate")]
    [InlineData("""[{"p":["a"],"oi":{"\ud800":1}}]""", "lone surrogate")]
    [InlineData("""[{"p":["\ud800"],"oi":1}]""", "lone surrogate")]
    [InlineData("""[{"p":["a"],"oi":{"x":1,"x":2}}]""", "repeats")]
    [InlineData("""[{"p":["a"],"na":"1"}]""", "finite number")]
    [InlineData("""[{"p":[0],"lm":-1}]""", "non-negative integer")]
    [InlineData("""[{"p":["a"],"oi":1,"oi":2}]""", "twice")]
    [InlineData("""[1]""", "JSON object")]
    public void Parse_rejects_invalid_ops(string op, string reason)
    {
        var e = Assert.Throws<LiveSyncException>(() => JsonOp.Parse(op));
        Assert.Equal(ErrorCodes.InvalidOp, e.Code);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_normalizes_as_ot_json0_does()
    {
        Assert.Equal("""[{"p":["n"],"na":3}]""", JsonOp.Parse("""[{"p":["n"],"na":1},{"p":["n"],"na":2}]""").ToJson());
        Assert.Equal("[]", JsonOp.Parse("""[{"p":[0],"li":1},{"p":[0],"ld":1}]""").ToJson());
        Assert.Equal("""[{"p":[0],"li":{}},{"p":[0],"ld":{}}]""", JsonOp.Parse("""[{"p":[0],"li":{}},{"p":[0],"ld":{}}]""").ToJson());
        Assert.Equal("""[{"p":["a"],"od":1,"oi":2}]""", JsonOp.Parse("""[{"p":["a"],"od":1},{"p":["a"],"oi":2}]""").ToJson());
        Assert.Equal("[]", JsonOp.Parse("""[{"p":["a"],"oi":1},{"p":["a"],"od":1}]""").ToJson());
        Assert.Equal("""[{"p":["s",1],"si":"abc"}]""", JsonOp.Parse("""[{"p":["s",1],"si":"ac"},{"p":["s",2],"si":"b"}]""").ToJson());
        Assert.Equal("""[{"p":["s",1],"sd":"ab"}]""", JsonOp.Parse("""[{"p":["s",2],"sd":"b"},{"p":["s",1],"sd":"a"}]""").ToJson());
        Assert.Equal("""[{"p":["s",1],"si":"a"},{"p":["t",1],"si":"b"}]""", JsonOp.Parse("""[{"p":["s",1],"si":"a"},{"p":["t",1],"si":"b"}]""").ToJson());
        Assert.Equal("""[{"p":[0],"li":1}]""", JsonOp.Parse("""[{"p":[0],"li":1},{"p":[0],"lm":0}]""").ToJson());
        Assert.Equal("""[{"p":[0],"lm":0}]""", JsonOp.Parse("""[{"p":[0],"lm":0}]""").ToJson());
        Assert.Equal("""[{"p":["a"],"oi":1}]""", JsonOp.Parse("""[{"p":["a"],"oi":1.0}]""").ToJson());
    }

    [Fact]
    public void Transform_breaks_ties_as_ot_json0()
    {
        // Two list inserts at one index: left goes first.
        var a = JsonOp.Parse("""[{"p":[1],"li":"a"}]""");
        var b = JsonOp.Parse("""[{"p":[1],"li":"b"}]""");
        Assert.Equal("""[{"p":[1],"li":"a"}]""", Type.Transform(a, b, TransformSide.Left).ToJson());
        Assert.Equal("""[{"p":[2],"li":"a"}]""", Type.Transform(a, b, TransformSide.Right).ToJson());

        // Two object inserts at one key: left wins and replaces; right vanishes.
        var x = JsonOp.Parse("""[{"p":["k"],"oi":1}]""");
        var y = JsonOp.Parse("""[{"p":["k"],"oi":2}]""");
        Assert.Equal("""[{"p":["k"],"od":2,"oi":1}]""", Type.Transform(x, y, TransformSide.Left).ToJson());
        Assert.Equal("[]", Type.Transform(x, y, TransformSide.Right).ToJson());

        // An edit inside something the other op deleted vanishes; a delete takes in the other's edit inside it.
        var inside = JsonOp.Parse("""[{"p":["o","n"],"na":1}]""");
        var delete = JsonOp.Parse("""[{"p":["o"],"od":{"n":1}}]""");
        Assert.Equal("[]", Type.Transform(inside, delete, TransformSide.Left).ToJson());
        Assert.Equal("""[{"p":["o"],"od":{"n":2}}]""", Type.Transform(delete, inside, TransformSide.Left).ToJson());

        // A move against a delete before it shifts.
        var move = JsonOp.Parse("""[{"p":[3],"lm":1}]""");
        Assert.Equal("""[{"p":[2],"lm":0}]""", Type.Transform(move, JsonOp.Parse("""[{"p":[0],"ld":0}]"""), TransformSide.Left).ToJson());

        // String edits count UTF-16 units: an emoji inserted before moves the other edit by 2.
        var si = JsonOp.Parse("""[{"p":["s",1],"si":"x"}]""");
        Assert.Equal("""[{"p":["s",3],"si":"x"}]""", Type.Transform(si, JsonOp.Parse("""[{"p":["s",0],"si":"😅"}]"""), TransformSide.Left).ToJson());
    }

    [Fact]
    public void Transform_rejects_ops_that_disagree_about_the_document()
    {
        var list = JsonOp.Parse("""[{"p":[0],"li":1}]""");
        var obj = JsonOp.Parse("""[{"p":["a","b"],"oi":1}]""");
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<LiveSyncException>(() => Type.Transform(obj, list, TransformSide.Left)).Code);
        var d1 = JsonOp.Parse("""[{"p":["s",0],"sd":"ab"}]""");
        var d2 = JsonOp.Parse("""[{"p":["s",1],"sd":"x"}]""");
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<LiveSyncException>(() => Type.Transform(d1, d2, TransformSide.Left)).Code);
    }

    [Fact]
    public void Compose_appends_by_the_normalize_rules()
    {
        var first = JsonOp.Parse("""[{"p":["n"],"na":1},{"p":["l",0],"li":"x"}]""");
        var second = JsonOp.Parse("""[{"p":["l",0],"ld":"x"},{"p":["n"],"na":1}]""");
        // The delete cancels the insert, which leaves the two adds next to each other.
        Assert.Equal("""[{"p":["n"],"na":2}]""", Type.Compose(first, second).ToJson());
        Assert.Same(first, Type.Compose(first, JsonOp.Empty));
    }

    [Fact]
    public void Ops_and_snapshots_write_their_wire_json()
    {
        var op = JsonOp.Parse("""[{"p":["a",0,"b"],"oi":{"x":[1,"é",null,true]}},{"p":["s",0],"sd":"q"}]""");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OtTypes.Json.WriteOp(writer, op);
        }

        using var written = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(op, OtTypes.Json.ReadOp(written.RootElement));
        Assert.Equal("""[{"p":["a",0,"b"],"oi":{"x":[1,"é",null,true]}},{"p":["s",0],"sd":"q"}]""", op.ToString());

        var doc = ImmutableJson.Parse("""{"a":[1.5,-2,1e21],"b":"\n"}""");
        Assert.Equal(doc, ImmutableJson.Parse(doc.ToJson()));
    }

    [Fact]
    public void Components_can_be_built_in_code()
    {
        var op = JsonOp.FromComponents(
        [
            JsonOpComponent.ObjectInsert(["title"], ImmutableJson.FromString("Hi")),
            JsonOpComponent.ListMove(["items", 2], 0),
            JsonOpComponent.StringInsert(["title", 2], "!"),
        ]);
        Assert.Equal("""[{"p":["title"],"oi":"Hi"},{"p":["items",2],"lm":0},{"p":["title",2],"si":"!"}]""", op.ToJson());
        Assert.Equal(JsonOpKind.ListMove, op.Components[1].Kind);
        Assert.Throws<ArgumentException>(() => JsonOpComponent.ListInsert(["a"], ImmutableJson.Null));
        Assert.Throws<ArgumentException>(() => JsonOpComponent.StringInsert(["s", 0], "\ud800"));
    }

    [Fact]
    public void Values_compare_as_json()
    {
        Assert.Equal(ImmutableJson.Parse("""{"a":1,"b":[1.0]}"""), ImmutableJson.Parse("""{"b":[1],"a":1.0}"""));
        Assert.NotEqual(ImmutableJson.Parse("""{"a":1}"""), ImmutableJson.Parse("""{"a":"1"}"""));
        Assert.Equal(ImmutableJson.Parse("""{"a":1,"b":[1.0]}""").GetHashCode(), ImmutableJson.Parse("""{"b":[1],"a":1.0}""").GetHashCode());
        Assert.Equal(ImmutableJson.FromNumber(0), ImmutableJson.FromNumber(-0.0));
        Assert.Equal(ErrorCodes.InvalidOp, Assert.Throws<LiveSyncException>(() => ImmutableJson.Parse("1e400")).Code);
        Assert.Equal(Encoding.UTF8.GetByteCount("x"), ImmutableJson.Parse("\"x\"").Size - 2);
    }
}
