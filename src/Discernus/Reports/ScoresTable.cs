using System.Globalization;
using CsvHelper;

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

/// <summary>Writes <c>scores.csv</c>: one row per document × model × run, full precision, invariant culture.</summary>
internal static class ScoresTable
{
    public static string ToCsv(IReadOnlyList<ScoreRow> rows, IReadOnlyList<string> dimensions, IReadOnlyList<string> derivedMetrics)
    {
        var metadataKeys = rows.SelectMany(r => r.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "document_name", "corpus_document_id", "document_hash", "model", "run" }
                     .Concat(metadataKeys.Select(k => $"meta_{k}"))
                     .Concat(dimensions.SelectMany(d => new[] { $"{d}_score", $"{d}_salience", $"{d}_confidence", $"{d}_evidence_verified", $"{d}_evidence_unverified" }))
                     .Concat(derivedMetrics))
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        foreach (var row in rows)
        {
            csv.WriteField(row.DocumentName);
            csv.WriteField(row.CorpusDocumentId);
            csv.WriteField(row.DocumentHash);
            csv.WriteField(row.Model);
            csv.WriteField(row.Run);
            foreach (var key in metadataKeys)
            {
                csv.WriteField(row.Metadata.GetValueOrDefault(key) ?? string.Empty);
            }

            foreach (var dimension in dimensions)
            {
                var values = row.Dimensions.GetValueOrDefault(dimension);
                csv.WriteField(Number(values.Score));
                csv.WriteField(Number(values.Salience));
                csv.WriteField(Number(values.Confidence));
                csv.WriteField(values.Verified);
                csv.WriteField(values.Unverified);
            }

            foreach (var metric in derivedMetrics)
            {
                csv.WriteField(Number(row.DerivedMetrics.GetValueOrDefault(metric)));
            }

            csv.NextRecord();
        }

        csv.Flush();
        return writer.ToString();
    }

    // Empty, not "n/a": statistical packages read an empty cell as missing.
    private static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}
