using System.Text;
using System.Text.Json;

namespace Discernus.Offline;

/// <summary>One dimension of an offline model's analysis answer; null numbers with a reason when it could not be scored.</summary>
public sealed record OfflineDimensionAnswer(
    string Dimension,
    double? RawScore,
    double? Salience,
    double? Confidence,
    IReadOnlyList<string> Evidence,
    string? NotScorableReason = null);

/// <summary>The analysis answer JSON both offline models write: <c>{"dimensional_scores": {...}, "notes": "..."}</c>.</summary>
public static class OfflineAnswer
{
    // Relaxed escaping keeps quotes readable (’ rather than \u2019); the answer is JSON, never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(IEnumerable<OfflineDimensionAnswer> dimensions, string notes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("dimensional_scores");
            foreach (var dimension in dimensions)
            {
                writer.WriteStartObject(dimension.Dimension);
                WriteNumber(writer, "raw_score", dimension.RawScore);
                WriteNumber(writer, "salience", dimension.Salience);
                WriteNumber(writer, "confidence", dimension.Confidence);
                writer.WriteStartArray("evidence");
                foreach (var quote in dimension.Evidence)
                {
                    writer.WriteStringValue(quote);
                }

                writer.WriteEndArray();
                if (dimension.NotScorableReason is { } reason)
                {
                    writer.WriteString("not_scorable_reason", reason);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteString("notes", notes);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
