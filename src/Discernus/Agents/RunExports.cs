using System.Text;
using Discernus.Reports;

namespace Discernus.Agents;

/// <summary>
/// The export files of a run (<c>results/exports/</c>) built from its analysis results: the scores, derived-metric and
/// evidence tables as CSV or Parquet, and as JSON for <c>discernus export --format json</c>. The synthesis and the export
/// command build them the same way, so a re-export of a run folder gives the same rows.
/// </summary>
internal static class RunExports
{
    public static IReadOnlyList<ExportTable> Tables(IReadOnlyList<AnalysisResult> results, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ordered = results
            .OrderBy(r => r.CorpusDocumentId, StringComparer.Ordinal)
            .ThenBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal)
            .ThenBy(r => r.ProcessingMetadata.Run)
            .ToList();
        var scoreRows = ordered.Select(ToScoreRow).ToList();
        var evidence = ordered.SelectMany(r => dimensions.SelectMany(d => (r.FrameworkAnalysis.GetValueOrDefault(d)?.Evidence ?? [])
            .Select(e => new EvidenceRow(r.CorpusDocumentId, d, e.Quote, e.Verified, r.ProcessingMetadata.Model, r.ProcessingMetadata.Run)))).ToList();
        return
        [
            ScoresTable.Scores(scoreRows, dimensions, derivedMetrics),
            ScoresTable.DerivedMetrics(scoreRows, derivedMetrics),
            ScoresTable.Evidence(evidence),
        ];
    }

    /// <summary>File name → bytes, for <c>csv</c>, <c>parquet</c> or <c>json</c>.</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> FilesAsync(IReadOnlyList<ExportTable> tables, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            files[$"{table.Name}.{format}"] = format switch
            {
                "csv" => Encoding.UTF8.GetBytes(ExportWriter.ToCsv(table)),
                "parquet" => await ExportWriter.ToParquetAsync(table, cancellationToken).ConfigureAwait(false),
                "json" => Encoding.UTF8.GetBytes(ExportWriter.ToJson(table)),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "expected csv, parquet or json"),
            };
        }

        return files;
    }

    public static ScoreRow ToScoreRow(AnalysisResult result) => new(
        result.DocumentName,
        result.CorpusDocumentId,
        result.DocumentId,
        result.ProcessingMetadata.Model,
        result.ProcessingMetadata.Run,
        result.Metadata,
        result.FrameworkAnalysis.ToDictionary(kv => kv.Key, kv => (kv.Value.Score, kv.Value.Salience, kv.Value.Confidence,
            kv.Value.Evidence.Count(e => e.Verified), kv.Value.Evidence.Count(e => !e.Verified))),
        result.DerivedMetrics);
}
