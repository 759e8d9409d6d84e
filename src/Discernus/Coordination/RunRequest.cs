namespace Discernus.Coordination;

/// <summary>
/// What the CLI pushes to <c>orchestrator.tasks</c>. Options stay a string dictionary so that new CLI flags need no
/// contract change.
/// </summary>
internal sealed record RunRequest
{
    public required string RunId { get; init; }

    public required string ExperimentPath { get; init; }

    public required string RunFolder { get; init; }

    /// <summary>Model that overrides the experiment's own list, when the user gave one.</summary>
    public string? Model { get; init; }

    public IReadOnlyDictionary<string, string>? Options { get; init; }

    /// <summary>
    /// SHA-256 of the validation report the submitter stored (Provenance.ValidatedExperiment): a new run is validated
    /// once, by its submitter, and its Orchestrator only checks that the files still have the hashes validated. A new
    /// run without it is refused; a resume (an existing run folder) has none.
    /// </summary>
    public string? Validation { get; init; }

    /// <summary>
    /// Identity of the artifact store the submitter uses (IArtifactStore.Identity); an Orchestrator that cannot reach
    /// it leaves the request to one that can. Null: the Orchestrator's own store.
    /// </summary>
    public string? ArtifactStore { get; init; }

    /// <summary>ISO 8601 UTC time the CLI submitted the run.</summary>
    public string? RequestedAt { get; init; }
}
