using Discernus.Artifacts;

namespace Discernus.Tests.Artifacts;

public sealed class S3ArtifactStoreOptionsTests
{
    private const string Secret = "options-test-secret-Hk3Wq";

    private static Dictionary<string, string?> Complete(params (string Name, string? Value)[] changes)
    {
        var environment = new Dictionary<string, string?>
        {
            [S3ArtifactStoreOptions.EndpointVariable] = "http://127.0.0.1:9000",
            [S3ArtifactStoreOptions.BucketVariable] = "discernus",
            [S3ArtifactStoreOptions.AccessKeyVariable] = "minioadmin",
            [S3ArtifactStoreOptions.SecretKeyVariable] = Secret,
        };
        foreach (var (name, value) in changes)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static string Problem(params (string Name, string? Value)[] changes)
    {
        var error = Assert.Throws<ArtifactStoreConfigurationException>(() => S3ArtifactStoreOptions.FromEnvironment(Complete(changes)));
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    [Fact]
    public void CompleteSettings_AreRead_WithRegionAndTimeoutDefaults()
    {
        var options = S3ArtifactStoreOptions.FromEnvironment(Complete());

        Assert.Equal("http://127.0.0.1:9000", options.Endpoint);
        Assert.Equal("discernus", options.Bucket);
        Assert.Equal("minioadmin", options.AccessKey);
        Assert.Equal(Secret, options.SecretKey);
        Assert.Equal("us-east-1", options.Region);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Timeout);
        Assert.Equal("s3:http://127.0.0.1:9000/discernus", options.Identity);
    }

    [Fact]
    public void RegionTimeoutAndHttp_CanBeSet()
    {
        var options = S3ArtifactStoreOptions.FromEnvironment(Complete(
            (S3ArtifactStoreOptions.EndpointVariable, "http://minio.lab:9000"),
            (S3ArtifactStoreOptions.RegionVariable, "eu-central-1"),
            (S3ArtifactStoreOptions.TimeoutVariable, "2.5"),
            (S3ArtifactStoreOptions.AllowHttpVariable, "true")));

        Assert.Equal("eu-central-1", options.Region);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Timeout);
        Assert.True(options.AllowHttp);
    }

    [Fact]
    public void NoSettings_IsOneErrorNamingEveryMissingVariable()
    {
        var error = Assert.Throws<ArtifactStoreConfigurationException>(() => S3ArtifactStoreOptions.FromEnvironment(new Dictionary<string, string?>()));

        Assert.StartsWith("DISCERNUS_ARTIFACT_STORE=s3 needs its settings fixed:", error.Message);
        foreach (var variable in new[] { "DISCERNUS_S3_ENDPOINT", "DISCERNUS_S3_BUCKET", "DISCERNUS_S3_ACCESS_KEY", "DISCERNUS_S3_SECRET_KEY" })
        {
            Assert.Contains($"{variable} is not set", error.Message);
        }

        Assert.DoesNotContain("DISCERNUS_S3_REGION", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:9000", "is not an http:// or https:// URL")]
    [InlineData("ftp://127.0.0.1:21", "is not an http:// or https:// URL")]
    [InlineData("minio", "is not an http:// or https:// URL")]
    [InlineData("http://127.0.0.1:9000/?region=x", "has a query or fragment")]
    [InlineData("http://minio.lab:9000", "plain http to a host that is not this machine")]
    public void AMalformedEndpoint_IsNamedWithTheFix(string endpoint, string expected)
    {
        var message = Problem((S3ArtifactStoreOptions.EndpointVariable, endpoint));

        Assert.Contains(S3ArtifactStoreOptions.EndpointVariable, message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("http://localhost:9000")]
    [InlineData("http://127.0.0.5:9000")]
    [InlineData("http://[::1]:9000")]
    [InlineData("https://minio.lab")]
    [InlineData("https://s3.us-east-1.amazonaws.com")]
    public void LoopbackHttpAndAnyHttps_AreAccepted(string endpoint)
    {
        Assert.Equal(endpoint, S3ArtifactStoreOptions.FromEnvironment(Complete((S3ArtifactStoreOptions.EndpointVariable, endpoint))).Endpoint);
    }

    [Fact]
    public void AnEndpointWithAPassword_IsRefused_WithoutEchoingIt()
    {
        var message = Problem((S3ArtifactStoreOptions.EndpointVariable, $"http://minio:{Secret}@127.0.0.1:9000"));

        Assert.Contains("contains a user name or password", message);
        Assert.Contains("http://***@127.0.0.1:9000", message);
    }

    [Theory]
    [InlineData("Discernus")]
    [InlineData("ab")]
    [InlineData("a..b")]
    [InlineData("-discernus")]
    [InlineData("under_score")]
    [InlineData("192.168.1.10")]
    public void AnInvalidBucketName_IsNamedWithTheRules(string bucket)
    {
        var message = Problem((S3ArtifactStoreOptions.BucketVariable, bucket));

        Assert.Contains($"DISCERNUS_S3_BUCKET='{bucket}' is not a valid bucket name", message);
        Assert.Contains("3 to 63 characters", message);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("60,5")]
    [InlineData("100000")]
    public void AMalformedTimeout_IsAnErrorNotIgnored(string value)
    {
        var message = Problem((S3ArtifactStoreOptions.TimeoutVariable, value));
        Assert.Contains($"DISCERNUS_S3_TIMEOUT_SECONDS='{value}'", message);
        Assert.Contains("expected a number from 1 to 3600", message);
    }

    [Fact]
    public void AMalformedAllowHttp_IsAnError()
    {
        var message = Problem((S3ArtifactStoreOptions.AllowHttpVariable, "maybe"));
        Assert.Contains("DISCERNUS_S3_ALLOW_HTTP='maybe'", message);
        Assert.Contains("expected true or false", message);
    }

    [Fact]
    public void ASecretWithWhitespace_IsNamedButNeverShown()
    {
        var message = Problem((S3ArtifactStoreOptions.SecretKeyVariable, Secret + "\n"));

        Assert.Contains("DISCERNUS_S3_SECRET_KEY contains whitespace", message);
    }

    [Fact]
    public void ARegionWithOddCharacters_IsAnError()
    {
        Assert.Contains("DISCERNUS_S3_REGION='eu west' is not a region name", Problem((S3ArtifactStoreOptions.RegionVariable, "eu west")));
    }

    [Fact]
    public void ToString_MasksTheSecret_HereAndInsideTheStoreOptions()
    {
        var s3 = S3ArtifactStoreOptions.FromEnvironment(Complete());
        var store = new ArtifactStoreOptions { Backend = "s3", FolderPath = "/tmp/a", S3 = s3 };

        Assert.Contains("SecretKey = ***", s3.ToString());
        Assert.DoesNotContain(Secret, s3.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, store.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, s3.Identity, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ChecksOptionsBuiltWithoutTheEnvironment()
    {
        var bound = new S3ArtifactStoreOptions { Endpoint = "http://127.0.0.1:9000", Bucket = "Bad_Bucket", AccessKey = "k", SecretKey = Secret };

        var error = Assert.Throws<ArtifactStoreConfigurationException>(bound.Validate);

        Assert.Contains("DISCERNUS_S3_BUCKET='Bad_Bucket'", error.Message);
        Assert.Throws<ArtifactStoreConfigurationException>(() => new S3ArtifactStore(bound));
    }

    [Fact]
    public void TheStoreOptions_ReadS3SettingsOnlyForTheS3Backend()
    {
        var s3 = Discernus.Orchestration.DiscernusSettings.From(Complete((ArtifactStoreOptions.BackendVariable, "S3"))).StoreFor("/data/projects/nano");
        var folder = Discernus.Orchestration.DiscernusSettings.From(new Dictionary<string, string?> { [S3ArtifactStoreOptions.BucketVariable] = "Not_Checked" }).StoreFor("/data/projects/nano");

        Assert.Equal("s3", s3.Backend);
        Assert.Equal("discernus", s3.S3!.Bucket);
        Assert.Equal("folder", folder.Backend);
        Assert.Null(folder.S3);
        var error = Assert.Throws<ArtifactStoreConfigurationException>(() =>
            Discernus.Orchestration.DiscernusSettings.From(new Dictionary<string, string?> { [ArtifactStoreOptions.BackendVariable] = "s3" }).StoreFor("/data/projects/nano"));
        Assert.Contains("DISCERNUS_S3_ENDPOINT is not set", error.Message);
    }

    [Fact]
    public void TheFactory_RefusesS3WithoutSettings_AndNamesBothBackendsForAnUnknownOne()
    {
        var s3 = Assert.Throws<ArtifactStoreConfigurationException>(() => ArtifactStoreFactory.Create(new ArtifactStoreOptions { Backend = "s3", FolderPath = "/tmp/x" }));
        var unknown = Assert.Throws<ArtifactStoreConfigurationException>(() => ArtifactStoreFactory.Create(new ArtifactStoreOptions { Backend = "floppy", FolderPath = "/tmp/x" }));

        Assert.Contains("DISCERNUS_S3_ENDPOINT", s3.Message);
        Assert.DoesNotContain("not built yet", s3.Message);
        Assert.Contains("'folder' (the default) or 's3'", unknown.Message);
    }
}
