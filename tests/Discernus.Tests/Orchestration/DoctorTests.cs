using System.Globalization;
using Amazon.S3.Model;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>`discernus doctor` as a whole: Redis, the artifact store (folder and S3 on s3rver) and the model settings.</summary>
public sealed class DoctorTests(RedisServerFixture redis, S3ServerFixture s3) : IClassFixture<RedisServerFixture>, IClassFixture<S3ServerFixture>, IDisposable
{
    private const string ApiKey = "sk-doctor-test-key-9f3Kq2";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task HealthyInstallation_PassesEveryCheck()
    {
        var report = await Doctor.ExamineAsync(Options(Environment()));

        Assert.True(report.Healthy, report.ToText());
        Assert.All(report.Checks, c => Assert.Equal(DoctorStatus.Pass, c.Status));
        Assert.Equal(
            [RedisDoctor.Reachable, RedisDoctor.Version, RedisDoctor.EvictionPolicy, RedisDoctor.Scripting, RedisDoctor.BlockingMove, Doctor.StoreCheck, Doctor.ModelsCheck],
            report.Checks.Select(c => c.Name));
        Assert.Contains(Path.Combine(_temp.Path, "artifacts"), report[Doctor.StoreCheck]!.Detail, StringComparison.Ordinal);
        Assert.Contains("lexicon", report[Doctor.ModelsCheck]!.Detail, StringComparison.Ordinal);
        Assert.Contains("No check failed", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutARedisUrl_TheEmbeddedServerIsStartedAndChecked()
    {
        var environment = Environment();
        environment.Remove(RedisConnectionFactory.UrlEnvironmentVariable);

        var report = await Doctor.ExamineAsync(Options(environment));

        Assert.True(report.Healthy, report.ToText());
        Assert.Contains("embedded Garnet", report[RedisDoctor.Reachable]!.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Garnet", report[RedisDoctor.Version]!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableRedis_FailsTheReport_AndStillChecksTheRest()
    {
        var environment = Environment();
        environment[RedisConnectionFactory.UrlEnvironmentVariable] = string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{ClosedPort()}");

        var report = await Doctor.ExamineAsync(Options(environment));

        Assert.False(report.Healthy);
        Assert.Equal(DoctorStatus.Fail, report[RedisDoctor.Reachable]!.Status);
        Assert.Contains(RedisConnectionFactory.UrlEnvironmentVariable, report[RedisDoctor.Reachable]!.Fix, StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Skip, report[RedisDoctor.BlockingMove]!.Status);
        Assert.Equal(DoctorStatus.Pass, report[Doctor.StoreCheck]!.Status);
        Assert.Contains("fix: Check DISCERNUS_REDIS_URL", report.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3Store_IsCheckedWithARoundTripThroughTheBucket()
    {
        var bucket = S3ServerFixture.NewBucketName("doctor");

        var report = await Doctor.ExamineAsync(Options(S3Environment(bucket, S3ServerFixture.AccessKey)));

        var store = report[Doctor.StoreCheck]!;
        Assert.Equal(DoctorStatus.Pass, store.Status);
        Assert.Contains(bucket, store.Detail, StringComparison.Ordinal);
        using var client = s3.CreateClient();
        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.StartsWith("sha256/", Assert.Single(listing.S3Objects).Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3Store_RefusingTheCredentials_FailsNamingTheVariables_WithoutTheSecret()
    {
        var report = await Doctor.ExamineAsync(Options(S3Environment(S3ServerFixture.NewBucketName("refused"), "NOT-A-KEY")));

        var store = report[Doctor.StoreCheck]!;
        Assert.Equal(DoctorStatus.Fail, store.Status);
        Assert.Contains("DISCERNUS_S3_ACCESS_KEY", store.Detail, StringComparison.Ordinal);
        Assert.False(report.Healthy);
        Assert.DoesNotContain(S3ServerFixture.SecretKey, report.ToText() + report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedModelWithoutItsKey_FailsNamingTheVariable()
    {
        var environment = Environment();
        environment["DISCERNUS_MODEL"] = "openai/gpt-4o-mini";

        var report = await Doctor.ExamineAsync(Options(environment));

        var models = report[Doctor.ModelsCheck]!;
        Assert.Equal(DoctorStatus.Fail, models.Status);
        Assert.Contains("OPENAI_API_KEY", models.Detail, StringComparison.Ordinal);
        Assert.False(report.Healthy);
    }

    [Fact]
    public async Task HostedModelWithItsKey_Passes_AndTheKeyIsNeverShown()
    {
        var environment = Environment();
        environment["DISCERNUS_MODEL"] = "openai/gpt-4o-mini";
        environment["OPENAI_API_KEY"] = ApiKey;

        var report = await Doctor.ExamineAsync(Options(environment));

        var models = report[Doctor.ModelsCheck]!;
        Assert.Equal(DoctorStatus.Pass, models.Status);
        Assert.Contains("OPENAI_API_KEY", models.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, report.ToText() + report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAnExperiment_ItIsValidated_AndItsRunStoreIsChecked()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var environment = Environment();
        environment.Remove("DISCERNUS_ARTIFACTS_DIR");

        var report = await Doctor.ExamineAsync(Options(environment) with { ExperimentPath = experiment.Path });

        Assert.True(report.Healthy, report.ToText());
        Assert.Equal(Doctor.ExperimentCheck, report.Checks[0].Name);
        Assert.Contains(experiment.Outside(Path.Combine(".discernus", "artifacts")), report[Doctor.StoreCheck]!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAnInvalidExperiment_TheFixPointsToValidate()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Delete(experiment.File("experiment.md"));

        var report = await Doctor.ExamineAsync(Options(Environment()) with { ExperimentPath = experiment.Path });

        var check = report[Doctor.ExperimentCheck]!;
        Assert.Equal(DoctorStatus.Fail, check.Status);
        Assert.Contains("discernus validate", check.Fix, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Environment() => new(StringComparer.Ordinal)
    {
        [RedisConnectionFactory.UrlEnvironmentVariable] = string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{redis.Port}"),
        [RedisKeys.PrefixEnvironmentVariable] = $"discernus-test-{Guid.NewGuid():N}:",
        ["DISCERNUS_ARTIFACTS_DIR"] = Path.Combine(_temp.Path, "artifacts"),
    };

    private Dictionary<string, string?> S3Environment(string bucket, string accessKey)
    {
        var environment = Environment();
        environment["DISCERNUS_ARTIFACT_STORE"] = "s3";
        environment["DISCERNUS_S3_ENDPOINT"] = s3.Endpoint;
        environment["DISCERNUS_S3_BUCKET"] = bucket;
        environment["DISCERNUS_S3_ACCESS_KEY"] = accessKey;
        environment["DISCERNUS_S3_SECRET_KEY"] = S3ServerFixture.SecretKey;
        environment["DISCERNUS_S3_TIMEOUT_SECONDS"] = "10";
        return environment;
    }

    private DoctorOptions Options(Dictionary<string, string?> environment) => new() { Settings = DiscernusSettings.From(environment), WorkingDirectory = _temp.Path };

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
