using Discernus.Statistics;

namespace Discernus.Agents;

/// <summary>
/// Turns analysis results into the <see cref="AnalysisRecord"/>s statistics and exports need, in a compact form: names
/// (dimensions, metrics, metadata fields) are shared by every record, repeated strings (model names, metadata values
/// such as an era or a party) are stored once, and the quotes are left out. A synthesis keeps one record per analysis
/// and lets each result go as soon as it is read.
/// </summary>
internal sealed class AnalysisRecordFactory
{
    // Metadata values usually repeat (era, party); a field unique to each document would only grow the pool, so it
    // stops taking new strings here and such values are kept as they come.
    private const int MaxPooledStrings = 10_000;

    private readonly SharedKeys _dimensions = new();
    private readonly SharedKeys _derivedMetrics = new();
    private readonly SharedKeys _metadataFields = new();
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public AnalysisRecord Create(AnalysisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var verified = 0;
        var unverified = 0;
        foreach (var dimension in result.FrameworkAnalysis.Values)
        {
            foreach (var quote in dimension.Evidence)
            {
                if (quote.Verified)
                {
                    verified++;
                }
                else
                {
                    unverified++;
                }
            }
        }

        return new AnalysisRecord
        {
            DocumentName = result.DocumentName,
            CorpusDocumentId = result.CorpusDocumentId,
            DocumentHash = result.DocumentId,
            Model = Pooled(result.ProcessingMetadata.Model),
            Run = result.ProcessingMetadata.Run,
            Metadata = SharedKeyMap<string>.From(_metadataFields, result.Metadata, Pooled),
            Dimensions = SharedKeyMap<DimensionValues>.From(_dimensions, result.FrameworkAnalysis, d => new DimensionValues(d.Score, d.Salience, d.Confidence)),
            DerivedMetrics = SharedKeyMap<double?>.From(_derivedMetrics, result.DerivedMetrics, v => v),
            VerifiedEvidence = verified,
            UnverifiedEvidence = unverified,
        };
    }

    private string Pooled(string value)
    {
        // A metadata value read from JSON can still be null; it stays null.
        if (value is not { } text)
        {
            return value;
        }

        if (_strings.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        if (_strings.Count < MaxPooledStrings)
        {
            _strings.Add(text, text);
        }

        return text;
    }
}
