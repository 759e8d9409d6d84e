using System.Text.Json;

namespace Discernus.Tests.Telemetry;

/// <summary>One line of a DISCERNUS_OTEL_FILE span file, as the test reads it back.</summary>
internal sealed record SpanRecord(string TraceId, string SpanId, string? ParentSpanId, string Name, string Service, int Pid, string Status, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>Every span of every file in <paramref name="folder"/> (one file per process).</summary>
    public static IReadOnlyList<SpanRecord> ReadAll(string folder) =>
        Directory.GetFiles(folder, "*.jsonl").SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(Parse).ToList();

    public static SpanRecord Parse(string line)
    {
        var root = JsonDocument.Parse(line).RootElement;
        var attributes = root.GetProperty("attributes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        return new SpanRecord(
            root.GetProperty("trace_id").GetString()!,
            root.GetProperty("span_id").GetString()!,
            root.GetProperty("parent_span_id").GetString(),
            root.GetProperty("name").GetString()!,
            root.GetProperty("service").GetString()!,
            root.GetProperty("pid").GetInt32(),
            root.GetProperty("status").GetString()!,
            attributes);
    }
}
