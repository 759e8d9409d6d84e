namespace Discernus.Reports;

/// <summary>The type of an export column; decides how CSV writes it and which Parquet type it gets.</summary>
internal enum ExportColumnType
{
    Text,
    Integer,
    Number,
    Boolean,
}

internal sealed record ExportColumn(string Name, ExportColumnType Type);

/// <summary>
/// One table of a run's results (scores, derived metrics, evidence), written as CSV, Parquet or JSON by
/// <see cref="ExportWriter"/>. Cells hold string, int, double or bool values, or null for missing.
/// </summary>
/// <param name="Name">File name without extension, e.g. <c>derived_metrics</c>.</param>
internal sealed record ExportTable(string Name, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);
