using Discernus.Experiments;

namespace Discernus.Provenance;

public sealed record RunSetupRequest
{
    public required ValidationReport Validation { get; init; }
    public required IReadOnlyList<PromptAsset> Prompts { get; init; }
    public required ManifestModels Models { get; init; }
    public required string SoftwareVersion { get; init; }
}
