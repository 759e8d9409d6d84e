using System.Globalization;
using System.Text;
using CsvHelper;

namespace Discernus.Reports;

/// <summary>An export table as CSV (CsvHelper): UTF-8 without a byte-order mark, a header row, one line per row, every text cell safe to open in a spreadsheet.</summary>
internal sealed class CsvExportWriter : ExportWriter
{
    private readonly StreamWriter _text;
    private readonly Experiments.SpreadsheetSafeCsvWriter _csv;

    private CsvExportWriter(Stream output, IReadOnlyList<ExportColumn> columns)
        : base(columns)
    {
        _text = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        _csv = new Experiments.SpreadsheetSafeCsvWriter(_text);
    }

    public static async Task<CsvExportWriter> CreateAsync(Stream output, IReadOnlyList<ExportColumn> columns, CancellationToken cancellationToken)
    {
        var writer = new CsvExportWriter(output, columns);
        foreach (var column in columns)
        {
            writer._csv.WriteField(column.Name);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await writer._csv.NextRecordAsync().ConfigureAwait(false);
        return writer;
    }

    public override async ValueTask DisposeAsync()
    {
        await _csv.DisposeAsync().ConfigureAwait(false);
        await _text.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task WriteRowCoreAsync(IReadOnlyList<object?> cells, CancellationToken cancellationToken)
    {
        foreach (var cell in cells)
        {
            _csv.WriteField(Text(cell));
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _csv.NextRecordAsync().ConfigureAwait(false);
    }

    protected override async Task CompleteCoreAsync(CancellationToken cancellationToken)
    {
        await _csv.FlushAsync().ConfigureAwait(false);
        await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
