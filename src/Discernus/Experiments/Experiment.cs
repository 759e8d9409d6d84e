namespace Discernus.Experiments;

public enum ExperimentLayout
{
    V10,
    Alpha,
}

/// <summary>One experiment, both layouts read into the same immutable model.</summary>
public sealed record Experiment
{
    public required string Name { get; init; }
    /// <summary>Absolute path of the experiment folder.</summary>
    public required string Directory { get; init; }
    public required ExperimentLayout Layout { get; init; }
    /// <summary>Absolute path of experiment.md / experiment.yaml.</summary>
    public required string ExperimentFilePath { get; init; }
    public string? Author { get; init; }
    public string? SpecVersion { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Hypothesis> Hypotheses { get; init; } = [];
    public IReadOnlyList<string> Models { get; init; } = [];
    public int RunsPerModel { get; init; } = 1;
    public string AnalysisVariant { get; init; } = "default";
    public decimal? MaxCostUsd { get; init; }

    /// <summary><c>interactive</c> (default) or <c>batch</c> (<c>mode: batch</c>): how the analyses reach hosted models; `run --batch` sets batch too.</summary>
    public string Mode { get; init; } = "interactive";
    public IReadOnlyList<string> Grouping { get; init; } = [];
    public ReliabilityFiltering? ReliabilityFiltering { get; init; }
    public AdvancedFiltering? AdvancedFiltering { get; init; }
    /// <summary>Absolute path of the human-coding file (<c>components.gold</c>), when the experiment names one.</summary>
    public string? GoldPath { get; init; }
    public IReadOnlyList<GoldRating> Gold { get; init; } = [];
    /// <summary>When a dimension counts as validated against the gold file (<c>validation:</c>); null: the defaults.</summary>
    public ValiditySettings? Validation { get; init; }
    /// <summary>Calibration of the scores to the gold file's coders (<c>calibration:</c>); null: none (unless <c>run --calibrate</c>).</summary>
    public CalibrationSettings? Calibration { get; init; }
    public required Framework Framework { get; init; }
    public required Corpus Corpus { get; init; }
    /// <summary>The limits the experiment was read under; run setup extracts the documents again under the same ones.</summary>
    public ExperimentLimits Limits { get; init; } = new();
}

public sealed record Hypothesis(string Id, string Description)
{
    /// <summary>How the statistics decide it (<c>test:</c>); null when the hypothesis is prose only (then indeterminate).</summary>
    public HypothesisTest? Test { get; init; }
}

/// <summary>
/// The machine-readable form of a hypothesis: a group comparison (<see cref="By"/> set) or a correlation
/// (<see cref="CorrelatesWith"/> set) of one variable (a dimension or derived metric).
/// </summary>
/// <param name="Expect">difference, no_difference, higher, lower (group comparisons; higher/lower: the first of
/// <see cref="Groups"/> relative to the second), positive, negative, none (correlations).</param>
/// <param name="Groups">For higher/lower, exactly two group values; otherwise optional (default: every group).</param>
public sealed record HypothesisTest(string Variable, string? By, IReadOnlyList<string> Groups, string? CorrelatesWith, string Expect)
{
    public static readonly IReadOnlyList<string> GroupExpectations = ["difference", "no_difference", "higher", "lower"];
    public static readonly IReadOnlyList<string> CorrelationExpectations = ["positive", "negative", "none"];

    public bool IsCorrelation => CorrelatesWith is not null;
}

public sealed record ReliabilityFiltering(
    double? SalienceThreshold,
    double? ConfidenceThreshold,
    double? ReliabilityThreshold,
    string? ReliabilityCalculation);

/// <summary>
/// <c>advanced_filtering</c> (the original project's format): per-dimension salience thresholds, and dimensions always
/// left out of or kept in the statistics regardless of the thresholds.
/// </summary>
public sealed record AdvancedFiltering(
    IReadOnlyDictionary<string, double> DimensionSpecificThresholds,
    IReadOnlyList<string> ExcludeDimensions,
    IReadOnlyList<string> IncludeDimensions);
