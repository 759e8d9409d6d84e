using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Discernus.Experiments;

/// <summary>
/// Rewrites a CSV file in which some columns form a key (e.g. document, dimension, coder): rows whose key is being
/// replaced are dropped, every other line is kept byte for byte (extra columns, quoting and order included), and the
/// new rows are appended in the file's own column order. Used for files people and programs both write, where a
/// rewrite must never lose a line it does not own.
/// </summary>
internal static class KeyedCsv
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        TrimOptions = TrimOptions.Trim,
        BadDataFound = null,
        MissingFieldFound = null,
        DetectColumnCountChanges = false,
    };

    /// <param name="existing">The current file text; null or empty starts a new file with <paramref name="columns"/> as header.</param>
    /// <param name="columns">The columns this writer knows; the header of an existing file must contain them all.</param>
    /// <param name="key">The columns (a subset of <paramref name="columns"/>) that identify a row.</param>
    /// <param name="rows">New rows, each with a value per column in <paramref name="columns"/>; they replace rows with the same key.</param>
    /// <exception cref="InvalidDataException">The existing header lacks one of <paramref name="columns"/>.</exception>
    public static string Merge(string? existing, IReadOnlyList<string> columns, IReadOnlyList<string> key, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rows);
        var keyIndexes = key.Select(k => columns.ToList().IndexOf(k)).ToList();
        var replaced = rows.Select(r => KeyOf(keyIndexes.Select(i => r[i]))).ToHashSet(StringComparer.Ordinal);
        var output = new System.Text.StringBuilder();
        IReadOnlyList<string> header;
        if (string.IsNullOrWhiteSpace(existing))
        {
            header = columns;
            output.Append(Line(columns));
        }
        else
        {
            using var reader = new StringReader(existing);
            using var csv = new CsvReader(reader, Configuration);
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } found)
            {
                throw new InvalidDataException("the file has no header line");
            }

            header = found.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
            var missing = columns.Where(c => !header.Contains(c)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidDataException($"the header lacks {string.Join(", ", missing)} (expected {string.Join(",", columns)})");
            }

            output.Append(WithNewline(csv.Parser.RawRecord));
            var indexes = key.Select(k => header.ToList().IndexOf(k)).ToList();
            while (csv.Read())
            {
                var raw = csv.Parser.RawRecord;
                var values = indexes.Select(i => csv.TryGetField<string>(i, out var v) ? SpreadsheetSafeCsvWriter.Unescape(v?.Trim() ?? string.Empty) : string.Empty).ToList();
                if (!replaced.Contains(KeyOf(values)))
                {
                    output.Append(WithNewline(raw));
                }
            }
        }

        foreach (var row in rows)
        {
            output.Append(Line(header.Select(h => columns.ToList().IndexOf(h) is var i and >= 0 ? row[i] : string.Empty).ToList()));
        }

        return output.ToString();
    }

    private static string KeyOf(IEnumerable<string> values) => string.Join("\u001f", values.Select(v => v.Trim()));

    private static string WithNewline(string raw) => raw.EndsWith('\n') ? raw : raw + "\n";

    private static string Line(IReadOnlyList<string> values)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new SpreadsheetSafeCsvWriter(writer))
        {
            foreach (var value in values)
            {
                csv.WriteField(value);
            }

            csv.NextRecord();
        }

        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
