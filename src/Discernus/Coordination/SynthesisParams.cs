namespace Discernus.Coordination;

/// <summary>The optional <c>params</c> of a synthesize_results task: what the statistics are grouped by and tested against.</summary>
internal sealed record SynthesisParams
{
    public string? ExperimentName { get; init; }

    public string? AnalysisVariant { get; init; }

    public IReadOnlyList<string>? Grouping { get; init; }

    public IReadOnlyList<string>? Hypotheses { get; init; }

    /// <summary>Documents whose analysis failed; counted in the statistics, never scored.</summary>
    public int DocumentsFailed { get; init; }

    /// <summary>"refresh" asks the model even when the response cache holds an answer (<c>run --no-cache</c>); null or "use" otherwise.</summary>
    public string? Cache { get; init; }

    /// <summary>The experiment's settings that shape statistics (filtering, hypothesis tests, gold file); statistics only, never the analysis.</summary>
    public ResearchSettings? Research { get; init; }
}
