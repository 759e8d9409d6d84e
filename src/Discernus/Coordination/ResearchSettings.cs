using Discernus.Experiments;

namespace Discernus.Coordination;

/// <summary>
/// The parts of an experiment that the statistics need and the analyses do not: changing them re-runs the synthesis
/// and the report only (every analysis is served from the artifact store).
/// </summary>
internal sealed record ResearchSettings
{
    public ReliabilityFiltering? ReliabilityFiltering { get; init; }

    public AdvancedFiltering? AdvancedFiltering { get; init; }

    /// <summary>SHA-256 of the gold file in the artifact store (human codings to compare the models with).</summary>
    public string? GoldHash { get; init; }

    /// <summary>The stated hypotheses with their machine-readable tests, to be decided by the statistics.</summary>
    public IReadOnlyList<Hypothesis> Hypotheses { get; init; } = [];

    /// <summary>When a dimension counts as validated against the gold file; null: the defaults.</summary>
    public ValiditySettings? Validation { get; init; }

    /// <summary>Calibration of the scores to the gold file's coders; null: none.</summary>
    public CalibrationSettings? Calibration { get; init; }
}
