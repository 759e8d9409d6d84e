namespace Discernus.Experiments;

/// <summary>Bounds on what an experiment may ask us to read; inputs are untrusted (SPEC §4).</summary>
public sealed record ExperimentLimits
{
    public long MaxDocumentBytes { get; init; } = 20L * 1024 * 1024;
    public int MaxDocuments { get; init; } = 10_000;
    /// <summary>Experiment, framework and corpus files are prose plus YAML; anything larger is not one.</summary>
    public long MaxSpecificationFileBytes { get; init; } = 5L * 1024 * 1024;
    /// <summary>Upper bound on YAML nodes after alias expansion ("billion laughs" guard).</summary>
    public long MaxYamlNodes { get; init; } = 100_000;
    /// <summary>
    /// Deepest YAML nesting read (aliases count as deep as what they name). The YAML loader recurses per level and a
    /// stack overflow ends the process, so this is checked on the event stream first. Real appendices use under ten.
    /// </summary>
    public int MaxYamlDepth { get; init; } = 64;

    public static ExperimentLimits FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var limits = new ExperimentLimits();
        if (environment.TryGetValue("DISCERNUS_MAX_DOCUMENT_BYTES", out var bytes) && long.TryParse(bytes, out var maxBytes) && maxBytes > 0)
        {
            limits = limits with { MaxDocumentBytes = maxBytes };
        }

        if (environment.TryGetValue("DISCERNUS_MAX_DOCUMENTS", out var count) && int.TryParse(count, out var maxDocuments) && maxDocuments > 0)
        {
            limits = limits with { MaxDocuments = maxDocuments };
        }

        return limits;
    }
}
