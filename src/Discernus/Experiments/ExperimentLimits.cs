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
    /// <summary>
    /// Most characters of text taken from one PDF or DOCX. A small file can hold far more (a DOCX is a zip, and
    /// 1 MB can unzip to hundreds of MB), so the file-size limit alone does not bound it.
    /// </summary>
    public long MaxExtractedChars { get; init; } = 20_000_000;

    /// <summary>Most bytes all parts of one DOCX may unzip to: room for markup around the allowed text, and for images.</summary>
    public long MaxDecompressedBytes => MaxExtractedChars > long.MaxValue / 10 ? long.MaxValue : MaxExtractedChars * 10;

    /// <summary>The limits with DISCERNUS_MAX_* settings applied; a malformed value is a <see cref="Configuration.SettingException"/>.</summary>
    public static ExperimentLimits FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var values = environment as Configuration.SettingValues ?? Configuration.SettingValues.From(environment);
        var defaults = new ExperimentLimits();
        return defaults with
        {
            MaxDocumentBytes = values.Integer("DISCERNUS_MAX_DOCUMENT_BYTES", 1, long.MaxValue) ?? defaults.MaxDocumentBytes,
            MaxDocuments = (int)(values.Integer("DISCERNUS_MAX_DOCUMENTS", 1, 10_000_000) ?? defaults.MaxDocuments),
            MaxExtractedChars = values.Integer("DISCERNUS_MAX_EXTRACTED_CHARS", 1, long.MaxValue) ?? defaults.MaxExtractedChars,
        };
    }
}
