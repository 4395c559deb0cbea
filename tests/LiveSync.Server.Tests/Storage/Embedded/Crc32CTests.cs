using System.Text;
using LiveSync.Server.Storage.Embedded;

namespace LiveSync.Server.Tests.Storage.Embedded;

public sealed class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.ComputeWithTable("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void The_table_and_the_cpu_instruction_agree_and_appending_continues()
    {
        var random = new Random(42);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var crc = Crc32C.Compute(data);
            Assert.Equal(crc, Crc32C.ComputeWithTable(data));
            var split = length / 3;
            Assert.Equal(crc, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }

        Assert.NotEqual(Crc32C.Compute(Encoding.UTF8.GetBytes("abc")), Crc32C.Compute(Encoding.UTF8.GetBytes("abd")));
    }
}
