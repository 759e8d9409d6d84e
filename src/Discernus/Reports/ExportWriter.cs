using System.Globalization;

namespace Discernus.Reports;

/// <summary>
/// Writes one export table row by row as CSV (CsvHelper), Parquet (Parquet.Net) or JSON: full precision, invariant
/// culture, NaN and infinities as missing. Rows go to the output as they come (Parquet in row groups of a bounded
/// size), so memory does not grow with the number of rows. The writer owns its output stream.
/// </summary>
internal abstract class ExportWriter : IAsyncDisposable
{
    public const string Csv = "csv";
    public const string Parquet = "parquet";
    public const string Json = "json";

    /// <summary>
    /// Rows per Parquet row group: large enough for column compression, small enough that the column arrays Parquet.Net
    /// builds for each group stay off the large-object heap. At 10,000 rows they did not (160-240 KB per text column
    /// and group), and at 100,000 analyses the exports left about 25 MB more on that heap (bench/synthesis.sh).
    /// </summary>
    public const int DefaultRowGroupSize = 3_000;

    private bool _completed;

    protected ExportWriter(IReadOnlyList<ExportColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
    }

    public IReadOnlyList<ExportColumn> Columns { get; }

    /// <summary>Rows written so far.</summary>
    public int Rows { get; private set; }

    /// <summary>A writer of <paramref name="format"/> (<c>csv</c>, <c>parquet</c> or <c>json</c>) to <paramref name="output"/>, which it then owns.</summary>
    public static async Task<ExportWriter> CreateAsync(
        string format,
        Stream output,
        IReadOnlyList<ExportColumn> columns,
        int rowGroupSize = DefaultRowGroupSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return format switch
        {
            Csv => await CsvExportWriter.CreateAsync(output, columns, cancellationToken).ConfigureAwait(false),
            Parquet => await ParquetExportWriter.CreateAsync(output, columns, rowGroupSize, cancellationToken).ConfigureAwait(false),
            Json => JsonExportWriter.Create(output, columns),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "expected csv, parquet or json"),
        };
    }

    /// <summary>Appends one row; cells hold string, int, double or bool values, or null for missing, one per column.</summary>
    public async Task WriteRowAsync(IReadOnlyList<object?> cells, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (cells.Count != Columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Count} cells for {Columns.Count} columns", nameof(cells));
        }

        await WriteRowCoreAsync(cells, cancellationToken).ConfigureAwait(false);
        Rows++;
    }

    /// <summary>Writes what is still buffered and the format's ending; the output is complete afterwards.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await CompleteCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    public abstract ValueTask DisposeAsync();

    protected abstract Task WriteRowCoreAsync(IReadOnlyList<object?> cells, CancellationToken cancellationToken);

    protected abstract Task CompleteCoreAsync(CancellationToken cancellationToken);

    /// <summary>NaN and infinities are missing values, as everywhere in Discernus.</summary>
    protected static object? Normalize(object? value) => value is double d && !double.IsFinite(d) ? null : value;

    // Empty, not "n/a": statistical packages read an empty cell as missing.
    protected static string Text(object? value) => Normalize(value) switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
