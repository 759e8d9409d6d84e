using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>
/// The <c>validity</c> export table: per dimension, one row for the human ceiling and one per reading compared with the
/// coders (each model raw and calibrated, the models' mean), every metric with its bootstrap interval, and the
/// dimension's status — what statistics.json's <c>validity</c> says, in a form R or pandas reads directly.
/// </summary>
internal static class ValidityTable
{
    public const string Name = "validity";

    private static readonly string[] Metrics = ["pearson", "spearman", "ccc", "mae", "alpha", "ratio_to_ceiling"];

    public static IReadOnlyList<ExportColumn> Columns { get; } =
    [
        new("dimension", ExportColumnType.Text),
        new("status", ExportColumnType.Text),
        new("judged_on", ExportColumnType.Text),
        new("reading", ExportColumnType.Text),
        new("scores", ExportColumnType.Text),
        new("decides_status", ExportColumnType.Boolean),
        new("documents", ExportColumnType.Integer),
        .. Metrics.SelectMany(m => new ExportColumn[] { new(m, ExportColumnType.Number), new($"{m}_lower", ExportColumnType.Number), new($"{m}_upper", ExportColumnType.Number) }),
        new("mean", ExportColumnType.Number),
        new("coders_mean", ExportColumnType.Number),
        new("reason", ExportColumnType.Text),
        new("scale_mismatch", ExportColumnType.Text),
    ];

    public static IEnumerable<IReadOnlyList<object?>> Rows(ValiditySummary validity)
    {
        ArgumentNullException.ThrowIfNull(validity);
        foreach (var dimension in validity.Dimensions)
        {
            if (dimension.Ceiling is { } ceiling)
            {
                yield return Row(dimension, "human ceiling", "coders", false, ceiling, Estimate.None);
            }

            foreach (var model in dimension.Models)
            {
                yield return Row(dimension, model.Model, model.Scores, ReferenceEquals(model, dimension.JudgedReading()), model.Metrics, model.RatioToCeiling);
            }

            if (dimension.Ceiling is null && dimension.Models.Count == 0)
            {
                yield return [dimension.Dimension, dimension.Status, dimension.JudgedOn, null, null, false, dimension.CodedDocuments,
                    .. Enumerable.Repeat<object?>(null, (Metrics.Length * 3) + 2), dimension.Reason, dimension.ScaleMismatch];
            }
        }
    }

    /// <summary>Writes the table in each format into <paramref name="directory"/> as <c>validity.&lt;format&gt;</c>.</summary>
    public static async Task<IReadOnlyList<(string Name, string Path, int Rows)>> WriteAsync(string directory, IReadOnlyList<string> formats, ValiditySummary validity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(formats);
        var files = new List<(string Name, string Path, int Rows)>();
        foreach (var format in formats)
        {
            var path = Path.Combine(directory, $"{Name}.{format}");
            var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using var writer = await ExportWriter.CreateAsync(format, stream, Columns, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var row in Rows(validity))
            {
                await writer.WriteRowAsync(row, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            files.Add(($"{Name}.{format}", path, writer.Rows));
        }

        return files;
    }

    private static IReadOnlyList<object?> Row(DimensionValidity dimension, string reading, string scores, bool decides, AgreementMetrics metrics, Estimate ratio)
    {
        var cells = new List<object?> { dimension.Dimension, dimension.Status, dimension.JudgedOn, reading, scores, decides, metrics.Documents };
        foreach (var estimate in new[] { metrics.Pearson, metrics.Spearman, metrics.Ccc, metrics.MeanAbsoluteError, metrics.Alpha, ratio })
        {
            cells.AddRange([estimate.Value, estimate.Lower, estimate.Upper]);
        }

        cells.AddRange([metrics.Mean, metrics.CodersMean, dimension.Reason, dimension.ScaleMismatch]);
        return cells;
    }
}
