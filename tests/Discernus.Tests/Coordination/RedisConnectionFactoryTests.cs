using System.Net;
using Discernus.Coordination;

namespace Discernus.Tests.Coordination;

public sealed class RedisConnectionFactoryTests
{
    [Fact]
    public void Parse_ReadsUserPasswordHostPortAndDatabase_AndHidesThePassword()
    {
        var factory = RedisConnectionFactory.Parse("redis://alice:s3cr3t-pw@cache.example.org:6380/2");
        var options = factory.CreateOptions();

        Assert.Equal("alice", options.User);
        Assert.Equal("s3cr3t-pw", options.Password);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
        var endPoint = Assert.IsType<DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(("cache.example.org", 6380), (endPoint.Host, endPoint.Port));
        Assert.Equal("redis://alice:***@cache.example.org:6380/2", factory.Description);
        Assert.DoesNotContain("s3cr3t-pw", factory.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RedissUrl_TurnsOnTls()
    {
        var factory = RedisConnectionFactory.Parse("rediss://:p%40ss%3Aword@10.0.0.5");
        var options = factory.CreateOptions();

        Assert.True(options.Ssl);
        Assert.Null(options.User);
        Assert.Equal("p@ss:word", options.Password);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6379), Assert.Single(options.EndPoints));
        Assert.Equal("rediss://:***@10.0.0.5:6379", factory.Description);
        Assert.DoesNotContain("word", factory.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AcceptsPlainHostAndPort()
    {
        var factory = RedisConnectionFactory.Parse("127.0.0.1:7000");

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), Assert.Single(factory.CreateOptions().EndPoints));
        Assert.Equal("redis://127.0.0.1:7000", factory.Description);
    }

    [Fact]
    public void Parse_ConfigurationStringWithPassword_DoesNotShowIt()
    {
        var factory = RedisConnectionFactory.Parse("localhost:6379,password=hunter2-secret");

        Assert.Equal("hunter2-secret", factory.CreateOptions().Password);
        Assert.Equal("redis://:***@localhost:6379", factory.Description);
        Assert.DoesNotContain("hunter2-secret", factory.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", factory.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://user:topsecret@host:6379")]
    [InlineData("redis://user:topsecret@host:6379/zero")]
    public void Parse_RejectsBadUrls_WithoutEchoingThePassword(string url)
    {
        var error = Assert.Throws<FormatException>(() => RedisConnectionFactory.Parse(url));

        Assert.Contains(RedisConnectionFactory.UrlEnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateOptions_RaisesAsyncTimeoutAboveABlockingWait()
    {
        var factory = RedisConnectionFactory.Parse("localhost:6379");

        var blocking = factory.CreateOptions("claim-w1", TimeSpan.FromSeconds(8));

        Assert.Equal(8000, blocking.AsyncTimeout);
        Assert.Equal("claim-w1", blocking.ClientName);
        Assert.Equal(5000, factory.CreateOptions().AsyncTimeout);
    }
}
