using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Discernus.Reports;

/// <summary>Writes an <see cref="ExportTable"/> as CSV (CsvHelper), Parquet (Parquet.Net) or JSON; full precision, invariant culture.</summary>
internal static class ExportWriter
{
    public static string ToCsv(ExportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var column in table.Columns)
        {
            csv.WriteField(column.Name);
        }

        csv.NextRecord();
        foreach (var row in table.Rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(Text(cell));
            }

            csv.NextRecord();
        }

        csv.Flush();
        return writer.ToString();
    }

    public static async Task<byte[]> ToParquetAsync(ExportTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var schema = new ParquetSchema(table.Columns.Select(c => new DataField(c.Name, c.Type switch
        {
            ExportColumnType.Integer => typeof(int?),
            ExportColumnType.Number => typeof(double?),
            ExportColumnType.Boolean => typeof(bool?),
            _ => typeof(string),
        }, isNullable: true)).ToArray());
        var rows = table.Rows
            .Select(row => (IDictionary<string, object?>)table.Columns.Select((c, i) => (c.Name, Value: Normalize(row[i])))
                .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal))
            .ToList();
        using var stream = new MemoryStream();
        await ParquetSerializer.SerializeUntypedAsync(rows, schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return stream.ToArray();
    }

    /// <summary>An array of objects, one per row, keyed by column name; numbers as numbers, missing as null.</summary>
    public static string ToJson(ExportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var row in table.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    json.WritePropertyName(table.Columns[i].Name);
                    switch (Normalize(row[i]))
                    {
                        case null:
                            json.WriteNullValue();
                            break;
                        case int n:
                            json.WriteNumberValue(n);
                            break;
                        case double d:
                            json.WriteNumberValue(d);
                            break;
                        case bool b:
                            json.WriteBooleanValue(b);
                            break;
                        default:
                            json.WriteStringValue(Convert.ToString(row[i], CultureInfo.InvariantCulture));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>NaN and infinities are missing values, as everywhere in Discernus.</summary>
    private static object? Normalize(object? value) => value is double d && !double.IsFinite(d) ? null : value;

    // Empty, not "n/a": statistical packages read an empty cell as missing.
    private static string Text(object? value) => Normalize(value) switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
