namespace Discernus.Statistics;

/// <summary>
/// One reading of the corpus compared with the coders: a model's scores (its runs averaged per document), or, with
/// several models, every analysis of a document averaged over models and runs as the corpus statistics average them.
/// </summary>
/// <param name="Model">The model, or <see cref="ModelAgreement.AllModels"/>.</param>
/// <param name="Scores"><see cref="ModelAgreement.Raw"/> or <see cref="ModelAgreement.Calibrated"/>.</param>
/// <param name="Dimensions">Per dimension (the framework's order), document id → score, for the documents with a score.</param>
internal sealed record ModelReading(string Model, string Scores, IReadOnlyList<IReadOnlyDictionary<string, double>> Dimensions)
{
    /// <summary>The id gold rows name a document by: the corpus manifest's, else the file name.</summary>
    public static string DocumentOf(AnalysisRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.CorpusDocumentId ?? record.DocumentName;
    }

    public static string ModelOf(AnalysisRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.IsNullOrWhiteSpace(record.Model) ? StatisticsCalculator.UnspecifiedModel : record.Model;
    }

    /// <summary>Each model in ordinal order, then the models' mean when there are several.</summary>
    public static IReadOnlyList<ModelReading> From(IReadOnlyList<AnalysisRecord> records, string scores, IReadOnlyList<string> dimensionNames)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        var readings = records.GroupBy(ModelOf, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ModelReading(g.Key, scores, Average(g, dimensionNames)))
            .ToList();
        if (readings.Count > 1)
        {
            readings.Add(new ModelReading(ModelAgreement.AllModels, scores, Average(records, dimensionNames)));
        }

        return readings;
    }

    private static IReadOnlyList<IReadOnlyDictionary<string, double>> Average(IEnumerable<AnalysisRecord> records, IReadOnlyList<string> dimensionNames)
    {
        var byDocument = records.GroupBy(DocumentOf, StringComparer.Ordinal).ToList();
        return dimensionNames.Select(dimension =>
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var document in byDocument)
            {
                // Sorted, so the sum (and its last bit) does not depend on the order the analyses finished in.
                var values = document.Select(r => r.Dimensions.GetValueOrDefault(dimension)?.Score)
                    .Where(v => v is { } s && double.IsFinite(s))
                    .Select(v => v!.Value)
                    .Order()
                    .ToList();
                if (values.Count > 0)
                {
                    scores[document.Key] = values.Average();
                }
            }

            return (IReadOnlyDictionary<string, double>)scores;
        }).ToList();
    }
}
