using Discernus.Configuration;

namespace Discernus.Telemetry;

/// <summary>
/// What a process exports, read once from the settings (and the worker's flags). Every member null means nothing is
/// exported and no provider is built: the activity source and the meter then have no listener.
/// </summary>
public sealed record TelemetryOptions
{
    public const string OtlpEndpointVariable = Configuration.SettingNames.OtlpEndpoint;
    public const string StandardOtlpEndpointVariable = Configuration.SettingNames.StandardOtlpEndpoint;
    public const string ProtocolVariable = Configuration.SettingNames.OtlpProtocol;
    public const string SpanFileVariable = Configuration.SettingNames.SpanFile;
    public const string MetricsPortVariable = Configuration.SettingNames.MetricsPort;
    public const string HealthPortVariable = Configuration.SettingNames.HealthPort;

    /// <summary>The activity source every span of Discernus comes from, for the process's tracer provider.</summary>
    public const string ActivitySourceName = DiscernusActivities.SourceName;

    /// <summary>The meter every instrument of Discernus is on, for the process's meter provider.</summary>
    public const string MeterName = DiscernusMetrics.MeterName;

    /// <summary>The process's role as <c>service.name</c>: <c>discernus-worker</c>, <c>discernus-run</c>.</summary>
    public required string ServiceName { get; init; }

    public Uri? OtlpEndpoint { get; init; }

    /// <summary>True for OTLP over HTTP (protobuf), false for gRPC.</summary>
    public bool OtlpHttp { get; init; }

    /// <summary>JSON-lines span file, <c>{pid}</c> already replaced.</summary>
    public string? SpanFile { get; init; }

    /// <summary>Port of the Prometheus scrape endpoint (worker only).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>False for a child agent process: it lives for one task, and its worker counts what it does.</summary>
    public bool ExportMetrics { get; init; } = true;

    public bool Traces => OtlpEndpoint is not null || SpanFile is not null;

    public bool Metrics => ExportMetrics && (OtlpEndpoint is not null || MetricsPort is not null);

    /// <summary>Reads the settings; a malformed value is a <see cref="SettingException"/> naming it.</summary>
    public static TelemetryOptions FromSettings(IReadOnlyDictionary<string, string?> environment, string serviceName, int? metricsPort = null)
    {
        var values = environment as SettingValues ?? SettingValues.From(environment);
        var endpointName = values.Text(OtlpEndpointVariable) is not null ? OtlpEndpointVariable : StandardOtlpEndpointVariable;
        var endpoint = SettingCatalog.HttpUrl(values, endpointName);
        var protocol = SettingCatalog.Checked(values, ProtocolVariable)?.Trim() ?? "grpc";

        return new TelemetryOptions
        {
            ServiceName = serviceName,
            OtlpEndpoint = endpoint,
            OtlpHttp = protocol == "http/protobuf",
            SpanFile = values.Text(SpanFileVariable)?.Replace("{pid}", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
            MetricsPort = metricsPort ?? (int?)SettingCatalog.WholeNumber(values, MetricsPortVariable),
        };
    }
}
