using Discernus.Configuration;
using Discernus.Telemetry;

namespace Discernus.Tests.Telemetry;

public sealed class TelemetryOptionsTests
{
    [Fact]
    public void NothingIsExported_WhenNoTelemetrySettingIsGiven()
    {
        var options = TelemetryOptions.FromSettings(new Dictionary<string, string?>(), "discernus-worker");
        Assert.False(options.Traces);
        Assert.False(options.Metrics);
    }

    [Fact]
    public void DiscernusOtlpEndpoint_WinsOverTheStandardName_AndTurnsOnTracesAndMetrics()
    {
        var options = TelemetryOptions.FromSettings(new Dictionary<string, string?>
        {
            [TelemetryOptions.OtlpEndpointVariable] = "http://collector:4317",
            [TelemetryOptions.StandardOtlpEndpointVariable] = "http://other:4317",
        }, "discernus-run");
        Assert.Equal(new Uri("http://collector:4317"), options.OtlpEndpoint);
        Assert.False(options.OtlpHttp);
        Assert.True(options.Traces);
        Assert.True(options.Metrics);
    }

    [Fact]
    public void TheStandardOtlpVariables_AreRead_WhenDiscernusOnesAreUnset()
    {
        var options = TelemetryOptions.FromSettings(new Dictionary<string, string?>
        {
            [TelemetryOptions.StandardOtlpEndpointVariable] = "http://collector:4318",
            [TelemetryOptions.ProtocolVariable] = "http/protobuf",
        }, "discernus-run");
        Assert.Equal(new Uri("http://collector:4318"), options.OtlpEndpoint);
        Assert.True(options.OtlpHttp);
    }

    [Fact]
    public void TheSpanFile_GetsThisProcesssId_AndTurnsOnTracesOnly()
    {
        var options = TelemetryOptions.FromSettings(new Dictionary<string, string?> { [TelemetryOptions.SpanFileVariable] = "/tmp/spans-{pid}.jsonl" }, "discernus-worker");
        Assert.Equal($"/tmp/spans-{Environment.ProcessId}.jsonl", options.SpanFile);
        Assert.True(options.Traces);
        Assert.False(options.Metrics);
    }

    [Fact]
    public void TheMetricsFlag_WinsOverTheSetting()
    {
        var environment = new Dictionary<string, string?> { [TelemetryOptions.MetricsPortVariable] = "9100" };
        Assert.Equal(9100, TelemetryOptions.FromSettings(environment, "discernus-worker").MetricsPort);
        Assert.Equal(9464, TelemetryOptions.FromSettings(environment, "discernus-worker", 9464).MetricsPort);
    }

    [Theory]
    [InlineData(TelemetryOptions.OtlpEndpointVariable, "collector:4317")]
    [InlineData(TelemetryOptions.ProtocolVariable, "udp")]
    [InlineData(TelemetryOptions.MetricsPortVariable, "70000")]
    public void AMalformedValue_IsASettingErrorNamingIt(string name, string value)
    {
        var error = Assert.Throws<SettingException>(() => TelemetryOptions.FromSettings(new Dictionary<string, string?> { [name] = value }, "discernus-worker"));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTelemetrySetting_IsInTheCatalog()
    {
        foreach (var name in new[] { TelemetryOptions.OtlpEndpointVariable, TelemetryOptions.StandardOtlpEndpointVariable, TelemetryOptions.ProtocolVariable,
                     TelemetryOptions.SpanFileVariable, TelemetryOptions.MetricsPortVariable, TelemetryOptions.HealthPortVariable })
        {
            Assert.NotNull(SettingCatalog.Find(name));
        }
    }
}
