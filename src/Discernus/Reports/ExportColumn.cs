namespace Discernus.Reports;

/// <summary>The type of an export column; decides how CSV writes it and which Parquet type it gets.</summary>
internal enum ExportColumnType
{
    Text,
    Integer,
    Number,
    Boolean,
}

/// <summary>One column of an export table (scores, derived metrics, evidence), written by <see cref="ExportWriter"/>.</summary>
internal sealed record ExportColumn(string Name, ExportColumnType Type);
