using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;

namespace Discernus.Hosting;

/// <summary>
/// Writes each finished span as one JSON line (trace and span ids, parent, name, kind, times, status, attributes) to a
/// file of this process (<c>DISCERNUS_OTEL_FILE</c>). It exists so that a trace spread over several processes can be
/// checked without a collector: the distributed test reads every worker's file. It runs behind a simple (synchronous)
/// processor, so a span is on disk when it ends, even if the process is killed afterwards.
/// </summary>
internal sealed class JsonLinesSpanExporter : BaseExporter<Activity>
{
    private readonly FileStream _file;
    private readonly string _service;
    private readonly Lock _lock = new();

    public JsonLinesSpanExporter(string path, string service)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _service = service;
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        using var buffer = new MemoryStream();
        foreach (var activity in batch)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, activity);
            }

            buffer.WriteByte((byte)'\n');
        }

        // One write per batch, appended: a reader never sees half a line of a finished batch.
        lock (_lock)
        {
            _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _file.Flush();
        }

        return ExportResult.Success;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Write(Utf8JsonWriter writer, Activity activity)
    {
        writer.WriteStartObject();
        writer.WriteString("trace_id", activity.TraceId.ToHexString());
        writer.WriteString("span_id", activity.SpanId.ToHexString());
        writer.WriteString("parent_span_id", activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString());
        writer.WriteString("name", activity.DisplayName);
        writer.WriteString("kind", activity.Kind.ToString());
        writer.WriteString("source", activity.Source.Name);
        writer.WriteString("service", _service);
        writer.WriteNumber("pid", Environment.ProcessId);
        writer.WriteString("start", activity.StartTimeUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteNumber("duration_ms", activity.Duration.TotalMilliseconds);
        writer.WriteString("status", activity.Status.ToString());
        if (activity.StatusDescription is { } description)
        {
            writer.WriteString("status_description", description);
        }

        writer.WriteStartObject("attributes");
        foreach (var (key, value) in activity.EnumerateTagObjects())
        {
            writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
