using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Discernus.Reports;

/// <summary>An export table as a JSON array of objects, one per row, keyed by column name; numbers as numbers, missing as null.</summary>
internal sealed class JsonExportWriter : ExportWriter
{
    // Written out whenever this much is pending, so the buffer does not grow with the table.
    private const int FlushThreshold = 1 << 16;

    private readonly Stream _output;
    private readonly Utf8JsonWriter _json;

    private JsonExportWriter(Stream output, IReadOnlyList<ExportColumn> columns)
        : base(columns)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartArray();
    }

    public static JsonExportWriter Create(Stream output, IReadOnlyList<ExportColumn> columns) => new(output, columns);

    public override async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task WriteRowCoreAsync(IReadOnlyList<object?> cells, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        for (var i = 0; i < Columns.Count; i++)
        {
            _json.WritePropertyName(Columns[i].Name);
            switch (Normalize(cells[i]))
            {
                case null:
                    _json.WriteNullValue();
                    break;
                case int n:
                    _json.WriteNumberValue(n);
                    break;
                case double d:
                    _json.WriteNumberValue(d);
                    break;
                case bool b:
                    _json.WriteBooleanValue(b);
                    break;
                default:
                    _json.WriteStringValue(Convert.ToString(cells[i], CultureInfo.InvariantCulture));
                    break;
            }
        }

        _json.WriteEndObject();
        if (_json.BytesPending >= FlushThreshold)
        {
            await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task CompleteCoreAsync(CancellationToken cancellationToken)
    {
        _json.WriteEndArray();
        await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
