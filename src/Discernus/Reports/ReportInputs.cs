using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>Everything a report is assembled from; all numbers come from <see cref="Statistics"/> or the manifest.</summary>
internal sealed record ReportInputs
{
    public required RunManifest Manifest { get; init; }
    public required CorpusStatistics Statistics { get; init; }
    /// <summary>Model-written (or lexicon-templated) interpretation; its numbers are checked against the statistics.</summary>
    public required string Synthesis { get; init; }
    public required string SynthesisModel { get; init; }
    public IReadOnlyList<ReportEvidence> Evidence { get; init; } = [];
    public IReadOnlyList<DimensionDescription> Dimensions { get; init; } = [];
    public IReadOnlyList<string> Hypotheses { get; init; } = [];
    /// <summary>Model name → the model ids the provider returned.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ModelVersions { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Dimensions no document scored above 0, with the reason (e.g. no marker phrase occurs).</summary>
    public IReadOnlyDictionary<string, string> NoSignal { get; init; } = new Dictionary<string, string>();
    public required ReportTexts Texts { get; init; }
}

/// <summary>A quote shown under a dimension in the Detailed Findings.</summary>
internal sealed record ReportEvidence(string Dimension, string DocumentName, double? Score, string Quote, bool Verified);

internal sealed record DimensionDescription(string Name, string? Description, string? NotScorableReason);

/// <summary>The fixed texts of the report, loaded from the report prompt file (never written in C#).</summary>
internal sealed record ReportTexts(
    string Title,
    string ExecutiveSummary,
    string Methodology,
    string DetailedFindings,
    string GroupComparisons,
    string Correlations,
    string Interpretation,
    string Failures,
    string Appendix,
    string Reliability,
    string Hypotheses,
    string HypothesesNote,
    string NoSignalNote,
    string KeyFindings,
    string OfflineBaselineNote,
    string UnverifiedNumbersNote,
    string EvidenceNote,
    string NotScorable)
{
    /// <summary>Under the runs of a deterministic model (lexicon, minilm): why no agreement is reported.</summary>
    public string DeterministicRuns { get; init; } = "";

    /// <summary>Under the runs of a model that gave identical scores in every run: why their agreement is no evidence.</summary>
    public string IdenticalRuns { get; init; } = "";

    /// <summary>Heading and note of a batch run's analyses that were asked interactively after their batch line failed.</summary>
    public string BatchRetries { get; init; } = "";

    public string BatchRetriesNote { get; init; } = "";
}
