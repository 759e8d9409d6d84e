using Discernus.Telemetry;

namespace Discernus.Tests.Cli;

/// <summary>`worker --health-port` and `--metrics-port`: bad values stop the worker before it connects to anything.</summary>
public sealed class WorkerEndpointsCommandTests
{
    private static Dictionary<string, string?> NoRedis() => new() { ["DISCERNUS_REDIS_URL"] = "redis://127.0.0.1:1" };

    [Fact]
    public async Task OnePortForBothEndpoints_IsBadUsage()
    {
        var cli = new CliHarness(NoRedis());

        Assert.Equal(2, await cli.RunAsync("worker", "--health-port", "9100", "--metrics-port", "9100"));
        Assert.Contains("--health-port and --metrics-port must be two different ports", cli.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach Redis", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortOutOfRange_IsBadUsage()
    {
        var cli = new CliHarness(NoRedis());

        Assert.Equal(2, await cli.RunAsync("worker", "--health-port", "70000"));
        Assert.DoesNotContain("cannot reach Redis", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedPortSetting_IsBadUsage_NamingIt()
    {
        var values = NoRedis();
        values[TelemetryOptions.HealthPortVariable] = "eighty";
        var cli = new CliHarness(values);

        Assert.Equal(2, await cli.RunAsync("worker"));
        Assert.Contains($"{TelemetryOptions.HealthPortVariable}='eighty'", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void AMetricsPortInUse_IsAnErrorNamingThePortAndTheFix()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;

        var error = Assert.Throws<IOException>(() => Discernus.Hosting.ProcessTelemetry.Start(
            TelemetryOptions.FromSettings(new Dictionary<string, string?>(), "discernus-worker", port)));
        Assert.Contains($"cannot serve metrics on port {port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("--metrics-port", error.Message, StringComparison.Ordinal);
    }
}
