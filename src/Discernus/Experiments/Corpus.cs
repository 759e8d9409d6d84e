namespace Discernus.Experiments;

public sealed record Corpus
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    /// <summary>Absolute path of the manifest (corpus.md), when there is one.</summary>
    public string? ManifestPath { get; init; }
    /// <summary>Absolute path of the folder that holds the documents.</summary>
    public required string DocumentsDirectory { get; init; }
    public required IReadOnlyList<CorpusDocument> Documents { get; init; }
}

public sealed record CorpusDocument
{
    /// <summary>The researcher's id from the manifest (or the file name without extension).</summary>
    public required string DocumentId { get; init; }
    /// <summary>Path relative to the corpus folder, with forward slashes.</summary>
    public required string RelativePath { get; init; }
    /// <summary>Absolute, resolved path of the file.</summary>
    public required string FullPath { get; init; }
    /// <summary>
    /// The manifest's metadata for the document. A document without any holds one shared empty dictionary, however it
    /// was made (read from JSON, each would be a new one: 80 MB at a million documents).
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get;
        init => field = value is { Count: > 0 } ? value : System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
    } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    public string FileName => Path.GetFileName(RelativePath);
    public string Extension => Path.GetExtension(RelativePath).TrimStart('.').ToLowerInvariant();
}
