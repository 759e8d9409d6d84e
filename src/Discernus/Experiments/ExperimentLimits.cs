namespace Discernus.Experiments;

/// <summary>Bounds on what an experiment may ask us to read; inputs are untrusted (SPEC §4).</summary>
public sealed record ExperimentLimits
{
    public long MaxDocumentBytes { get; init; } = 20L * 1024 * 1024;
    /// <summary>Memory no longer grows with the corpus (results are streamed), so this is a sanity bound, not a capacity one.</summary>
    public int MaxDocuments { get; init; } = 1_000_000;
    /// <summary>Experiment, framework and corpus files are prose plus YAML; anything larger is not one.</summary>
    public long MaxSpecificationFileBytes { get; init; } = 5L * 1024 * 1024;
    /// <summary>A gold file holds a row per coder, document and dimension: it grows with the coding, unlike the specification files.</summary>
    public long MaxGoldFileBytes { get; init; } = 64L * 1024 * 1024;
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

    /// <summary>
    /// Most pages read from one PDF. The page tree is loaded when the file is opened, so this bounds what a file of
    /// tiny compressed page objects can make us hold.
    /// </summary>
    public int MaxPdfPages { get; init; } = 10_000;

    /// <summary>
    /// Most bytes one PDF stream may inflate to. Streams are measured before they are decoded, so a compression bomb
    /// (1 MB inflating to 1 GiB) costs a count, not the memory; a page's content rarely passes 1 MB.
    /// </summary>
    public long MaxPdfStreamBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// Most operators plus bytes of text one PDF page may draw, counted before PdfPig builds the page (it holds every
    /// operation and a letter object per glyph at once). A dense page of text has about 10,000.
    /// </summary>
    public long MaxPdfPageOperations { get; init; } = 200_000;

    /// <summary>Most dimensions in one framework: each adds a prompt section, a score column and a row and column of every matrix in the report.</summary>
    public int MaxDimensions { get; init; } = 100;

    /// <summary>Most characters of one metadata value in the corpus manifest (a year, a speaker, an abstract); values reach every table and group.</summary>
    public int MaxMetadataValueChars { get; init; } = 10_000;

    /// <summary>Most bytes of report.md or report.html; past it the report keeps its first sections and says where the rest is.</summary>
    public long MaxReportBytes { get; init; } = 20_000_000;

    /// <summary>Most bytes all parts of one DOCX may unzip to: room for markup around the allowed text, and for images.</summary>
    public long MaxDecompressedBytes => MaxExtractedChars > long.MaxValue / 10 ? long.MaxValue : MaxExtractedChars * 10;

    /// <summary>The limits with DISCERNUS_MAX_* settings applied (bounds as the setting catalog states them); a malformed value is a <see cref="Configuration.SettingException"/>.</summary>
    public static ExperimentLimits FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var values = environment as Configuration.SettingValues ?? Configuration.SettingValues.From(environment);
        var defaults = new ExperimentLimits();
        return defaults with
        {
            MaxDocumentBytes = Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_DOCUMENT_BYTES") ?? defaults.MaxDocumentBytes,
            MaxDocuments = (int)(Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_DOCUMENTS") ?? defaults.MaxDocuments),
            MaxExtractedChars = Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_EXTRACTED_CHARS") ?? defaults.MaxExtractedChars,
            MaxDimensions = (int)(Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_DIMENSIONS") ?? defaults.MaxDimensions),
            MaxMetadataValueChars = (int)(Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_METADATA_CHARS") ?? defaults.MaxMetadataValueChars),
            MaxReportBytes = Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_REPORT_BYTES") ?? defaults.MaxReportBytes,
            MaxPdfPages = (int)(Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_PDF_PAGES") ?? defaults.MaxPdfPages),
            MaxPdfStreamBytes = Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_PDF_STREAM_BYTES") ?? defaults.MaxPdfStreamBytes,
            MaxPdfPageOperations = Configuration.SettingCatalog.WholeNumber(values, "DISCERNUS_MAX_PDF_PAGE_OPERATIONS") ?? defaults.MaxPdfPageOperations,
        };
    }
}
