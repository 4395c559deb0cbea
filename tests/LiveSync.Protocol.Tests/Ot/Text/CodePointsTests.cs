using LiveSync.Protocol.Ot.Text;

namespace LiveSync.Protocol.Tests.Ot.Text;

public sealed class CodePointsTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("é中", 2)]
    [InlineData("😅", 1)]
    [InlineData("a😅b👻", 4)]
    public void Count_counts_code_points(string text, int expected)
    {
        Assert.Equal(expected, CodePoints.Count(text));
    }

    // Not theories: xunit's test discovery turns a lone surrogate in inline data into U+FFFD.
    [Fact]
    public void Count_counts_a_lone_surrogate_as_one()
    {
        Assert.Equal(3, CodePoints.Count("a\uD800b"));
        Assert.Equal(2, CodePoints.Count("\uDC00\uD800"));
        Assert.Equal(2, CodePoints.Count("😅\uD83D"));
    }

    [Fact]
    public void IsWellFormed_finds_lone_surrogates()
    {
        Assert.True(CodePoints.IsWellFormed(""));
        Assert.True(CodePoints.IsWellFormed("abc😅"));
        Assert.True(CodePoints.IsWellFormed("😅😅"));
        Assert.False(CodePoints.IsWellFormed("\uD83D"));
        Assert.False(CodePoints.IsWellFormed("a\uDE05"));
        Assert.False(CodePoints.IsWellFormed("\uDE05\uD83D"));
        Assert.False(CodePoints.IsWellFormed("😅\uD83D"));
        Assert.False(CodePoints.IsWellFormed("😅\uD83Da"));
    }

    [Fact]
    public void Indexes_convert_both_ways()
    {
        const string text = "a😅b👻👻c";
        int[] utf16 = [0, 1, 3, 4, 6, 8, 9];
        for (var codePoint = 0; codePoint < utf16.Length; codePoint++)
        {
            Assert.Equal(utf16[codePoint], CodePoints.ToUtf16Index(text, codePoint));
            Assert.Equal(codePoint, CodePoints.ToCodePointIndex(text, utf16[codePoint]));
        }
    }

    [Fact]
    public void Indexes_out_of_range_or_inside_a_pair_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePoints.ToUtf16Index("a😅", 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePoints.ToUtf16Index("a😅", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePoints.ToCodePointIndex("a😅", 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => CodePoints.ToCodePointIndex("a😅", 4));
    }

    [Fact]
    public void Long_text_without_surrogates_takes_the_fast_path()
    {
        var text = new string('x', 10_000) + "😅" + new string('y', 10_000);

        Assert.Equal(20_001, CodePoints.Count(text));
        Assert.Equal(10_002, CodePoints.ToUtf16Index(text, 10_001));
        Assert.Equal(20_002, CodePoints.ToUtf16Index(text, 20_001));
    }
}
