namespace Discernus.Experiments;

/// <summary>The outcome of reading an experiment: the model when nothing blocks, and every finding either way.</summary>
public sealed record ValidationReport
{
    public required string ExperimentPath { get; init; }
    public required IReadOnlyList<ValidationFinding> Findings { get; init; }
    /// <summary>Null when a blocking finding prevented building the model.</summary>
    public Experiment? Experiment { get; init; }

    /// <summary>
    /// The framework as read, also when something else blocks, so the checks that need it (derived-metric formulas)
    /// run in the same pass; null when the framework itself could not be read.
    /// </summary>
    public Framework? Framework { get; init; }

    /// <summary>The models the experiment names, also when something else blocks.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>The experiment file (experiment.md or experiment.yaml) when one was found.</summary>
    public string? ExperimentFilePath { get; init; }

    /// <summary>Every specification file read, with the hash of the bytes parsed: what a run re-checks instead of validating again.</summary>
    public IReadOnlyList<SpecificationFile> SpecificationFiles { get; init; } = [];

    public IEnumerable<ValidationFinding> Blocking => Findings.Where(f => f.Severity == FindingSeverity.Blocking);
    public IEnumerable<ValidationFinding> Warnings => Findings.Where(f => f.Severity == FindingSeverity.Warning);
    public bool IsValid => Experiment is not null && !Blocking.Any();

    /// <summary>0 valid, 3 a required file is missing or unreadable, 5 other blocking problems.</summary>
    public int ExitCode => IsValid ? 0
        : Blocking.Any(f => ValidationFinding.MissingFileCodes.Contains(f.Code)) ? 3
        : 5;
}
