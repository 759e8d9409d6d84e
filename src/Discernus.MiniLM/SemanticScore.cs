namespace Discernus.MiniLM;

/// <summary>The semantic model's result for one dimension, with the similarities behind it (for docs, tests and benchmarks).</summary>
internal sealed record SemanticScore(
    string Dimension,
    double RawScore,
    double Salience,
    double Confidence,
    IReadOnlyList<string> Evidence,
    double TopSimilarity,
    double Margin,
    double CounterShare);
