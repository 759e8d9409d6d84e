using Discernus.Statistics;

namespace Discernus.Tests.Statistics;

/// <summary>Builds small analysis records for statistics tests.</summary>
internal static class StatisticsTestData
{
    public static AnalysisRecord Record(
        string document,
        IReadOnlyDictionary<string, DimensionValues> dimensions,
        IReadOnlyDictionary<string, string>? metadata = null,
        string model = "lexicon",
        int run = 1,
        IReadOnlyDictionary<string, double?>? derived = null,
        int verified = 0,
        int unverified = 0) => new()
        {
            DocumentName = document + ".txt",
            CorpusDocumentId = document,
            DocumentHash = "hash-" + document,
            Model = model,
            Run = run,
            Metadata = metadata ?? new Dictionary<string, string>(),
            Dimensions = dimensions,
            DerivedMetrics = derived ?? new Dictionary<string, double?>(),
            VerifiedEvidence = verified,
            UnverifiedEvidence = unverified,
        };

    /// <summary>A record with only scores (salience and confidence absent).</summary>
    public static AnalysisRecord Scores(string document, params (string Dimension, double? Score)[] scores) =>
        Record(document, scores.ToDictionary(s => s.Dimension, s => new DimensionValues(s.Score, null, null)));
}
