using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Discernus.Agents;
using Discernus.Reports;
using Discernus.Statistics;
using Parquet.Schema;
using Parquet.Serialization;

namespace Discernus.Tests.Agents;

/// <summary>
/// The synthesis as it was before it streamed (commit d1029f8): every result in memory, each export table built whole
/// and written at once (Parquet through ParquetSerializer), evidence chosen by sorting every quote. Kept here, verbatim
/// in substance, as the oracle the streamed path must match.
/// </summary>
internal static class InMemorySynthesisReference
{
    public sealed record Table(string Name, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);

    public static AnalysisRecord ToRecord(AnalysisResult result) => new()
    {
        DocumentName = result.DocumentName,
        CorpusDocumentId = result.CorpusDocumentId,
        DocumentHash = result.DocumentId,
        Model = result.ProcessingMetadata.Model,
        Run = result.ProcessingMetadata.Run,
        Metadata = result.Metadata,
        Dimensions = result.FrameworkAnalysis.ToDictionary(kv => kv.Key, kv => new DimensionValues(kv.Value.Score, kv.Value.Salience, kv.Value.Confidence)),
        DerivedMetrics = result.DerivedMetrics,
        VerifiedEvidence = result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => e.Verified)),
        UnverifiedEvidence = result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => !e.Verified)),
    };

    public static List<ReportEvidence> SelectEvidence(IReadOnlyList<string> dimensions, List<AnalysisResult> results)
    {
        var evidence = new List<ReportEvidence>();
        foreach (var dimension in dimensions)
        {
            var picked = results
                .Select(r => (Result: r, Score: r.FrameworkAnalysis.GetValueOrDefault(dimension)))
                .Where(x => x.Score?.Score is > 0 && x.Score.Evidence.Any(e => e.Verified))
                .OrderByDescending(x => x.Score!.Score)
                .ThenBy(x => x.Result.DocumentName, StringComparer.Ordinal)
                .DistinctBy(x => x.Result.DocumentId)
                .Take(3);
            evidence.AddRange(picked.Select(x => new ReportEvidence(dimension, x.Result.DocumentName, x.Score!.Score,
                x.Score.Evidence.First(e => e.Verified).Quote, true)));
            evidence.AddRange(results
                .OrderBy(r => r.DocumentName, StringComparer.Ordinal)
                .SelectMany(r => (r.FrameworkAnalysis.GetValueOrDefault(dimension)?.Evidence ?? []).Where(e => !e.Verified)
                    .Select(e => new ReportEvidence(dimension, r.DocumentName, r.FrameworkAnalysis[dimension].Score, e.Quote, false)))
                .Take(20));
        }

        return evidence;
    }

    public static Dictionary<string, string> NotScorable(IReadOnlyList<string> dimensions, List<AnalysisResult> results) =>
        dimensions
            .Where(d => results.All(r => r.FrameworkAnalysis.GetValueOrDefault(d)?.NotScorableReason is not null))
            .ToDictionary(d => d, d => results.Select(r => r.FrameworkAnalysis[d].NotScorableReason!).First());

    public static Dictionary<string, IReadOnlyList<string>> ModelVersions(List<AnalysisResult> results) => results
        .GroupBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.ProcessingMetadata.ModelVersion).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    public static IReadOnlyList<Table> Tables(IReadOnlyList<AnalysisResult> results, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        var ordered = results
            .OrderBy(r => r.CorpusDocumentId, StringComparer.Ordinal)
            .ThenBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal)
            .ThenBy(r => r.ProcessingMetadata.Run)
            .ToList();
        var scoreRows = ordered.Select(ToScoreRow).ToList();
        var evidence = ordered.SelectMany(r => dimensions.SelectMany(d => (r.FrameworkAnalysis.GetValueOrDefault(d)?.Evidence ?? [])
            .Select(e => new EvidenceRow(r.CorpusDocumentId, d, e.Quote, e.Verified, r.ProcessingMetadata.Model, r.ProcessingMetadata.Run)))).ToList();
        return [Scores(scoreRows, dimensions, derivedMetrics), DerivedMetrics(scoreRows, derivedMetrics), Evidence(evidence)];
    }

    public static async Task<IReadOnlyDictionary<string, byte[]>> FilesAsync(IReadOnlyList<Table> tables, string format)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            files[$"{table.Name}.{format}"] = format switch
            {
                "csv" => Encoding.UTF8.GetBytes(ToCsv(table)),
                "parquet" => await ToParquetAsync(table),
                _ => Encoding.UTF8.GetBytes(ToJson(table)),
            };
        }

        return files;
    }

    private static ScoreRow ToScoreRow(AnalysisResult result) => new(
        result.DocumentName,
        result.CorpusDocumentId,
        result.DocumentId,
        result.ProcessingMetadata.Model,
        result.ProcessingMetadata.Run,
        result.Metadata,
        result.FrameworkAnalysis.ToDictionary(kv => kv.Key, kv => (kv.Value.Score, kv.Value.Salience, kv.Value.Confidence,
            kv.Value.Evidence.Count(e => e.Verified), kv.Value.Evidence.Count(e => !e.Verified))),
        result.DerivedMetrics);

    private static Table Scores(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        var metadataKeys = MetadataKeys(rows);
        var columns = new List<ExportColumn>
        {
            new("document_name", ExportColumnType.Text),
            new("corpus_document_id", ExportColumnType.Text),
            new("document_hash", ExportColumnType.Text),
            new("model", ExportColumnType.Text),
            new("run", ExportColumnType.Integer),
        };
        columns.AddRange(metadataKeys.Select(k => new ExportColumn($"meta_{k}", ExportColumnType.Text)));
        foreach (var d in dimensions)
        {
            columns.AddRange([
                new($"{d}_score", ExportColumnType.Number), new($"{d}_salience", ExportColumnType.Number), new($"{d}_confidence", ExportColumnType.Number),
                new($"{d}_evidence_verified", ExportColumnType.Integer), new($"{d}_evidence_unverified", ExportColumnType.Integer)]);
        }

        columns.AddRange(derivedMetrics.Select(m => new ExportColumn(m, ExportColumnType.Number)));
        var table = rows.Select(row =>
        {
            var cells = new List<object?> { row.DocumentName, row.CorpusDocumentId, row.DocumentHash, row.Model, row.Run };
            cells.AddRange(metadataKeys.Select(k => (object?)(row.Metadata.GetValueOrDefault(k) ?? string.Empty)));
            foreach (var d in dimensions)
            {
                var v = row.Dimensions.GetValueOrDefault(d);
                cells.AddRange([v.Score, v.Salience, v.Confidence, v.Verified, v.Unverified]);
            }

            cells.AddRange(derivedMetrics.Select(m => (object?)row.DerivedMetrics.GetValueOrDefault(m)));
            return (IReadOnlyList<object?>)cells;
        }).ToList();
        return new Table("scores", columns, table);
    }

    private static Table DerivedMetrics(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> derivedMetrics)
    {
        var metadataKeys = MetadataKeys(rows);
        var columns = new List<ExportColumn>
        {
            new("document_id", ExportColumnType.Text),
            new("document_name", ExportColumnType.Text),
            new("model", ExportColumnType.Text),
            new("run", ExportColumnType.Integer),
            new("metric", ExportColumnType.Text),
            new("value", ExportColumnType.Number),
        };
        columns.AddRange(metadataKeys.Select(k => new ExportColumn(k, ExportColumnType.Text)));
        var table = rows.SelectMany(row => derivedMetrics.Select(metric =>
        {
            var cells = new List<object?> { row.CorpusDocumentId, row.DocumentName, row.Model, row.Run, metric, row.DerivedMetrics.GetValueOrDefault(metric) };
            cells.AddRange(metadataKeys.Select(k => (object?)(row.Metadata.GetValueOrDefault(k) ?? string.Empty)));
            return (IReadOnlyList<object?>)cells;
        })).ToList();
        return new Table("derived_metrics", columns, table);
    }

    private static Table Evidence(IReadOnlyList<EvidenceRow> rows)
    {
        ExportColumn[] columns =
        [
            new("document_id", ExportColumnType.Text),
            new("dimension", ExportColumnType.Text),
            new("quote", ExportColumnType.Text),
            new("verified", ExportColumnType.Boolean),
            new("model", ExportColumnType.Text),
            new("run", ExportColumnType.Integer),
        ];
        return new Table("evidence", columns,
            rows.Select(r => (IReadOnlyList<object?>)[r.CorpusDocumentId, r.Dimension, r.Quote, r.Verified, r.Model, r.Run]).ToList());
    }

    private static List<string> MetadataKeys(IReadOnlyList<ScoreRow> rows) =>
        rows.SelectMany(r => r.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static string ToCsv(Table table)
    {
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

    private static async Task<byte[]> ToParquetAsync(Table table)
    {
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
        await ParquetSerializer.SerializeUntypedAsync(rows, schema, stream);
        return stream.ToArray();
    }

    private static string ToJson(Table table)
    {
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

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static object? Normalize(object? value) => value is double d && !double.IsFinite(d) ? null : value;

    private static string Text(object? value) => Normalize(value) switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
