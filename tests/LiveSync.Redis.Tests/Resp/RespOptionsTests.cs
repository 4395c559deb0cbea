using LiveSync.Redis.Resp;

namespace LiveSync.Redis.Tests.Resp;

public sealed class RespOptionsTests
{
    [Fact]
    public void Parses_endpoint_password_user_and_db()
    {
        var options = RespOptions.Parse("redis.internal:6380,password=s3cr=t,user=livesync,db=2,connectTimeout=1500,commandTimeout=250");
        Assert.Equal("redis.internal", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("s3cr=t", options.Password);
        Assert.Equal("livesync", options.User);
        Assert.Equal(2, options.Database);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CommandTimeout);
    }

    [Theory]
    [InlineData("127.0.0.1:6379", "127.0.0.1", 6379)]
    [InlineData("localhost", "localhost", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData(" host:1 , ", "host", 1)]
    public void Parses_endpoints(string text, string host, int port)
    {
        var options = RespOptions.Parse(text);
        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("password=x")]
    [InlineData("a:1,b:2")]
    [InlineData("host:notaport")]
    [InlineData("host:1,db=-1")]
    [InlineData("host:1,ssl=true")]
    public void Rejects_bad_strings(string text) => Assert.Throws<FormatException>(() => RespOptions.Parse(text));

    [Fact]
    public void ToString_masks_the_password()
    {
        var text = RespOptions.Parse("h:1,password=hunter2,db=1").ToString();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Equal("h:1,password=*****,db=1", text);
    }
}
