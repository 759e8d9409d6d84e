using Discernus.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Discernus.Hosting;

/// <summary>
/// The OpenTelemetry providers of one long-running command (run, worker), built from <see cref="TelemetryOptions"/>: a
/// tracer provider on the <c>Discernus</c> source when OTLP or the span file is configured, a meter provider on the
/// <c>Discernus</c> meter when OTLP or the worker's Prometheus port is. Nothing configured, nothing built: the source and
/// the meter keep no listener. Disposing flushes and stops the exporters.
/// </summary>
public sealed class ProcessTelemetry : IDisposable
{
    private readonly TracerProvider? _tracer;
    private readonly MeterProvider? _meter;

    private ProcessTelemetry(TracerProvider? tracer, MeterProvider? meter, string? metricsUrl)
    {
        _tracer = tracer;
        _meter = meter;
        MetricsUrl = metricsUrl;
    }

    /// <summary>Where Prometheus scrapes this process (<c>http://*:port/metrics</c>), or null.</summary>
    public string? MetricsUrl { get; }

    /// <summary>What is exported, for the start-up line: e.g. "traces to OTLP http://collector:4317, metrics on :9464/metrics".</summary>
    public string Description
    {
        get
        {
            var parts = new List<string>();
            if (_tracer is not null)
            {
                parts.Add("traces");
            }

            if (_meter is not null)
            {
                parts.Add("metrics");
            }

            return parts.Count == 0 ? "off" : string.Join(" and ", parts);
        }
    }

    public static ProcessTelemetry Start(TelemetryOptions options)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(options.ServiceName, serviceVersion: typeof(ProcessTelemetry).Assembly.GetName().Version?.ToString(),
            serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}");
        TracerProvider? tracer = null;
        MeterProvider? meter = null;
        string? metricsUrl = null;
        try
        {
            if (options.Traces)
            {
                var builder = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(TelemetryOptions.ActivitySourceName);
                if (options.SpanFile is { } file)
                {
                    builder.AddProcessor(new SimpleActivityExportProcessor(new JsonLinesSpanExporter(file, options.ServiceName)));
                }

                if (options.OtlpEndpoint is { } endpoint)
                {
                    builder.AddOtlpExporter(o => Configure(o, endpoint, options.OtlpHttp, "v1/traces"));
                }

                tracer = builder.Build();
            }

            if (options.Metrics)
            {
                var builder = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(TelemetryOptions.MeterName);
                if (options.MetricsPort is { } port)
                {
                    // Every address: the scrape comes from another host (Prometheus, a Kubernetes pod). The exporter's Host
                    // option takes a host name only, so the listener's prefix is replaced with the wildcard one.
                    metricsUrl = $"http://*:{port}/metrics";
                    builder.AddPrometheusHttpListener(o =>
                    {
                        o.Port = port;
                        o.ConfigureHttpListener = (_, listener) =>
                        {
                            listener.Prefixes.Clear();
                            listener.Prefixes.Add($"http://*:{port}/");
                        };
                    });
                }

                if (options.OtlpEndpoint is { } endpoint)
                {
                    builder.AddOtlpExporter(o => Configure(o, endpoint, options.OtlpHttp, "v1/metrics"));
                }

                meter = builder.Build();
            }
        }
        catch (InvalidOperationException ex) when (options.MetricsPort is { } port && meter is null)
        {
            // The exporter's own message ("HttpListener could not be started") names neither the port nor the fix.
            tracer?.Dispose();
            throw new IOException($"cannot serve metrics on port {port}: {ex.InnerException?.Message ?? ex.Message}. Choose another --metrics-port (or {TelemetryOptions.MetricsPortVariable}).", ex);
        }
        catch
        {
            tracer?.Dispose();
            meter?.Dispose();
            throw;
        }

        return new ProcessTelemetry(tracer, meter, metricsUrl);
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, bool http, string signalPath)
    {
        // With an explicit endpoint the HTTP exporter posts to it as given, so the signal's path is added here.
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = http ? new Uri(endpoint.ToString().TrimEnd('/') + "/" + signalPath) : endpoint;
    }
}
