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
    IReadOnlyDictionary<string, double?> DerivedMetrics)
{
    /// <summary>Per dimension, the score calibrated to the gold file's coders; null when the run did not calibrate.</summary>
    public IReadOnlyDictionary<string, double?>? Calibrated { get; init; }
}

/// <summary>One evidence quote of one analysis.</summary>
internal sealed record EvidenceRow(string CorpusDocumentId, string Dimension, string Quote, bool Verified, string Model, int Run);

/// <summary>
/// The columns and rows of a run's export tables: <c>scores</c> (wide: one row per document × model × run),
/// <c>derived_metrics</c> (long: one row per analysis and metric, with the manifest metadata) and <c>evidence</c> (one
/// row per quote). Rows are built one analysis at a time and handed to an <see cref="ExportWriter"/>.
/// </summary>
internal static class ScoresTable
{
    public const string ScoresName = "scores";
    public const string DerivedMetricsName = "derived_metrics";
    public const string EvidenceName = "evidence";

    /// <summary>The table names in the order their files are listed.</summary>
    public static readonly IReadOnlyList<string> Names = [ScoresName, DerivedMetricsName, EvidenceName];

    public static readonly IReadOnlyList<ExportColumn> EvidenceColumns =
    [
        new("document_id", ExportColumnType.Text),
        new("dimension", ExportColumnType.Text),
        new("quote", ExportColumnType.Text),
        new("verified", ExportColumnType.Boolean),
        new("model", ExportColumnType.Text),
        new("run", ExportColumnType.Integer),
    ];

    /// <param name="metadataKeys">Every metadata field of every row, sorted: one <c>meta_</c> column each.</param>
    /// <param name="calibrated">Whether the run calibrated its scores: then <c>&lt;dimension&gt;_calibrated_score</c> follows each raw <c>&lt;dimension&gt;_score</c>.</param>
    public static IReadOnlyList<ExportColumn> ScoresColumns(IReadOnlyList<string> metadataKeys, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics, bool calibrated = false)
    {
        ArgumentNullException.ThrowIfNull(metadataKeys);
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(derivedMetrics);
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
            columns.Add(new($"{d}_score", ExportColumnType.Number));
            if (calibrated)
            {
                columns.Add(new($"{d}_calibrated_score", ExportColumnType.Number));
            }

            columns.AddRange([
                new($"{d}_salience", ExportColumnType.Number), new($"{d}_confidence", ExportColumnType.Number),
                new($"{d}_evidence_verified", ExportColumnType.Integer), new($"{d}_evidence_unverified", ExportColumnType.Integer)]);
        }

        columns.AddRange(derivedMetrics.Select(m => new ExportColumn(m, ExportColumnType.Number)));
        return columns;
    }

    public static IReadOnlyList<object?> ScoresCells(ScoreRow row, IReadOnlyList<string> metadataKeys, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(row);
        var cells = new List<object?>(5 + metadataKeys.Count + (5 * dimensions.Count) + derivedMetrics.Count)
        {
            row.DocumentName, row.CorpusDocumentId, row.DocumentHash, row.Model, row.Run,
        };
        cells.AddRange(metadataKeys.Select(k => (object?)(row.Metadata.GetValueOrDefault(k) ?? string.Empty)));
        foreach (var d in dimensions)
        {
            var v = row.Dimensions.GetValueOrDefault(d);
            cells.Add(v.Score);
            if (row.Calibrated is { } calibrated)
            {
                cells.Add(calibrated.GetValueOrDefault(d));
            }

            cells.AddRange([v.Salience, v.Confidence, v.Verified, v.Unverified]);
        }

        cells.AddRange(derivedMetrics.Select(m => (object?)row.DerivedMetrics.GetValueOrDefault(m)));
        return cells;
    }

    /// <summary>Long format: document_id, document_name, model, run, metric, value, then one column per metadata field.</summary>
    public static IReadOnlyList<ExportColumn> DerivedMetricsColumns(IReadOnlyList<string> metadataKeys)
    {
        ArgumentNullException.ThrowIfNull(metadataKeys);
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
        return columns;
    }

    /// <summary>The derived-metric rows of one analysis, one per metric.</summary>
    public static IEnumerable<IReadOnlyList<object?>> DerivedMetricsCells(ScoreRow row, IReadOnlyList<string> metadataKeys, IReadOnlyList<string> derivedMetrics)
    {
        ArgumentNullException.ThrowIfNull(row);
        return derivedMetrics.Select(metric =>
        {
            var cells = new List<object?>(6 + metadataKeys.Count) { row.CorpusDocumentId, row.DocumentName, row.Model, row.Run, metric, row.DerivedMetrics.GetValueOrDefault(metric) };
            cells.AddRange(metadataKeys.Select(k => (object?)(row.Metadata.GetValueOrDefault(k) ?? string.Empty)));
            return (IReadOnlyList<object?>)cells;
        });
    }

    public static IReadOnlyList<object?> EvidenceCells(EvidenceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return [row.CorpusDocumentId, row.Dimension, row.Quote, row.Verified, row.Model, row.Run];
    }
}
