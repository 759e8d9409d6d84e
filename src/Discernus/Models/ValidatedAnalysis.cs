namespace Discernus.Models;

/// <summary>A model's analysis answer that passed <see cref="AnalysisAnswerValidator"/>: every framework dimension, in framework order.</summary>
internal sealed record ValidatedAnalysis(IReadOnlyList<ValidatedDimension> Dimensions, string? Notes)
{
    public ValidatedDimension? Find(string name) => Dimensions.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}
