using Discernus.Experiments;

namespace Discernus.Provenance;

internal sealed record RunSetupRequest
{
    public required ValidationReport Validation { get; init; }
    public required IReadOnlyList<PromptAsset> Prompts { get; init; }
    public required ManifestModels Models { get; init; }
    public required string SoftwareVersion { get; init; }
    /// <summary>The run id chosen by whoever submitted the run; null lets run setup choose one.</summary>
    public string? RunId { get; init; }
    /// <summary>When validation started and how long it took, for the manifest's VALIDATION stage.</summary>
    public DateTimeOffset? ValidationStartedAt { get; init; }
    public TimeSpan? ValidationDuration { get; init; }
    /// <summary>
    /// The documents as validation read them into the artifact store (<see cref="DocumentIntake"/>), in corpus order;
    /// null lets run setup read them itself.
    /// </summary>
    public IReadOnlyList<DocumentReading>? Documents { get; init; }
    /// <summary>
    /// The specification files' bytes by absolute path, as checked against the hashes validation recorded
    /// (<see cref="ValidatedExperiment.RecheckAsync"/>): stored as they are; a file not in it is read from disk.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]>? SpecificationFiles { get; init; }
}
