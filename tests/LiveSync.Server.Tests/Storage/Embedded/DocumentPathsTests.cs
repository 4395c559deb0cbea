using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server.Tests.Storage.Embedded;

public sealed class DocumentPathsTests
{
    [Theory]
    [InlineData("doc", "doc")]
    [InlineData("Doc", "_doc")]
    [InlineData("room:42", "room+42")]
    [InlineData("a_b", "a__b")]
    [InlineData("trailing.", "trailing_.")]
    [InlineData("v1.2-x", "v1.2-x")]
    [InlineData("con", "_-con")]
    [InlineData("nul.txt", "_-nul.txt")]
    [InlineData("COM1", "_c_o_m1")]
    public void Folder_names_escape_case_colons_and_windows_traps(string docId, string folder)
    {
        Assert.Equal(folder, DocumentPaths.FolderNameOf(docId));
        Assert.Equal(docId, DocumentPaths.TryDecodeFolderName(folder));
    }

    [Fact]
    public void Ids_differing_only_in_case_get_different_folders_without_capitals()
    {
        var ids = new[] { "abc", "Abc", "aBc", "ABC", "a_bc", "A_bc" };
        var folders = ids.Select(DocumentPaths.FolderNameOf).ToList();

        Assert.Equal(ids.Length, folders.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(folders, f => Assert.DoesNotContain(f, c => char.IsAsciiLetterUpper(c) || c == ':'));
    }

    [Fact]
    public void Very_long_escaped_names_are_shortened_with_a_hash()
    {
        var a = new string('Q', 127) + "A";
        var b = new string('Q', 127) + "B";

        var folderA = DocumentPaths.FolderNameOf(a);
        Assert.True(folderA.Length <= DocumentPaths.MaxEscapedLength);
        Assert.NotEqual(folderA, DocumentPaths.FolderNameOf(b));
        Assert.Null(DocumentPaths.TryDecodeFolderName(folderA));
    }

    [Fact]
    public void Shards_are_two_lower_case_hex_digits()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.Matches("^[0-9a-f]{2}$", DocumentPaths.ShardOf($"doc-{i}"));
        }
    }
}
