namespace Discernus.Offline.Lexicon;

/// <summary>The lexicon model's result for one dimension; the three numbers are null when the dimension has no markers.</summary>
internal sealed record LexiconScore(
    string Dimension,
    double? RawScore,
    double? Salience,
    double? Confidence,
    IReadOnlyList<string> Evidence,
    int PositiveHits,
    int NegativeHits,
    int DistinctPositive,
    int DistinctNegative,
    string? NotScorableReason)
{
    public bool IsScorable => NotScorableReason is null;
}
