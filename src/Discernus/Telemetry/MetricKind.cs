namespace Discernus.Telemetry;

internal enum MetricKind
{
    Counter,
    Histogram,
    Gauge,
}
