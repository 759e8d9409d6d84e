namespace Discernus.Models;

/// <summary>
/// The outcome of <see cref="AnalysisAnswerValidator.Validate"/>: either <see cref="Analysis"/> or a non-empty list of
/// <see cref="Problems"/>, each a sentence a model can act on. <see cref="Notes"/> lists tolerated oddities
/// (extra dimensions, renamed keys) worth logging but not worth a retry.
/// </summary>
internal sealed record AnalysisValidationResult(ValidatedAnalysis? Analysis, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public bool IsValid => Analysis is not null;

    /// <summary>The problems as one block of text to show the model on a retry.</summary>
    public string ProblemsText => string.Join("\n", Problems.Select(p => "- " + p));
}
