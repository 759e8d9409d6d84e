using Discernus.Statistics;

namespace Discernus.Agents;

/// <summary>
/// Turns analysis results into the <see cref="AnalysisRecord"/>s statistics and exports need, in a compact form: names
/// (dimensions, metrics, metadata fields) are shared by every record, numbers are packed in arrays, repeated strings
/// (model names, metadata values such as an era or a party) and repeated metadata are stored once, and the quotes are
/// left out. A synthesis keeps one record per analysis (about 600 bytes) and lets each result go as soon as it is read.
/// </summary>
internal sealed class AnalysisRecordFactory
{
    // Metadata usually repeats (era, party); a field unique to each document would only grow the pools, so they stop
    // taking new entries here and such values are kept as they come.
    private const int MaxPooled = 10_000;

    private readonly SharedKeys _dimensions = new();
    private readonly SharedKeys _derivedMetrics = new();
    private readonly SharedKeys _metadataFields = new();
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<SharedKeyTexts, SharedKeyTexts> _metadata = new(MetadataComparer.Instance);

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
            // A corpus that names no ids uses the file names: one string for both, not two equal copies read from JSON.
            CorpusDocumentId = result.CorpusDocumentId == result.DocumentName ? result.DocumentName : result.CorpusDocumentId,
            DocumentHash = result.DocumentId,
            Model = Pooled(result.ProcessingMetadata.Model),
            Run = result.ProcessingMetadata.Run,
            Metadata = Pooled(SharedKeyTexts.From(_metadataFields, result.Metadata, Pooled)),
            Dimensions = SharedKeyDimensions.From(_dimensions, result.FrameworkAnalysis),
            DerivedMetrics = SharedKeyValues.From(_derivedMetrics, result.DerivedMetrics),
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

        if (_strings.Count < MaxPooled)
        {
            _strings.Add(text, text);
        }

        return text;
    }

    private SharedKeyTexts Pooled(SharedKeyTexts metadata)
    {
        if (_metadata.TryGetValue(metadata, out var pooled))
        {
            return pooled;
        }

        if (_metadata.Count < MaxPooled)
        {
            _metadata.Add(metadata, metadata);
        }

        return metadata;
    }

    private sealed class MetadataComparer : IEqualityComparer<SharedKeyTexts>
    {
        public static readonly MetadataComparer Instance = new();

        public bool Equals(SharedKeyTexts? x, SharedKeyTexts? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.SameAs(y));

        public int GetHashCode(SharedKeyTexts obj) => obj.ContentHash();
    }
}
