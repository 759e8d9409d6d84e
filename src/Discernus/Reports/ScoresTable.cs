namespace Discernus.Reports;

/// <summary>One row of the per-document scores table: what a researcher loads into R or pandas.</summary>
internal sealed record ScoreRow(
    string DocumentName,
    string CorpusDocumentId,
    string DocumentHash,
    string Model,
    int Run,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, (double? Score, double? Salience, double? Confidence, int Verified, int Unverified)> Dimensions,
    IReadOnlyDictionary<string, double?> DerivedMetrics);

/// <summary>One evidence quote of one analysis.</summary>
internal sealed record EvidenceRow(string CorpusDocumentId, string Dimension, string Quote, bool Verified, string Model, int Run);

/// <summary>
/// The export tables of a run: <c>scores</c> (wide: one row per document × model × run), <c>derived_metrics</c> (long:
/// one row per analysis and metric, with the manifest metadata) and <c>evidence</c> (one row per quote).
/// </summary>
internal static class ScoresTable
{
    public const string ScoresName = "scores";
    public const string DerivedMetricsName = "derived_metrics";
    public const string EvidenceName = "evidence";

    /// <summary><c>scores.csv</c> as before: the wide table as CSV.</summary>
    public static string ToCsv(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics) =>
        ExportWriter.ToCsv(Scores(rows, dimensions, derivedMetrics));

    public static ExportTable Scores(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(rows);
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
        return new ExportTable(ScoresName, columns, table);
    }

    /// <summary>Long format: document_id, document_name, model, run, metric, value, then one column per metadata field.</summary>
    public static ExportTable DerivedMetrics(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(rows);
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
        return new ExportTable(DerivedMetricsName, columns, table);
    }

    public static ExportTable Evidence(IReadOnlyList<EvidenceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ExportColumn[] columns =
        [
            new("document_id", ExportColumnType.Text),
            new("dimension", ExportColumnType.Text),
            new("quote", ExportColumnType.Text),
            new("verified", ExportColumnType.Boolean),
            new("model", ExportColumnType.Text),
            new("run", ExportColumnType.Integer),
        ];
        return new ExportTable(EvidenceName, columns,
            rows.Select(r => (IReadOnlyList<object?>)[r.CorpusDocumentId, r.Dimension, r.Quote, r.Verified, r.Model, r.Run]).ToList());
    }

    private static List<string> MetadataKeys(IReadOnlyList<ScoreRow> rows) =>
        rows.SelectMany(r => r.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
