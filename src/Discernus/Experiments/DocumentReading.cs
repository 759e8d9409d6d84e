namespace Discernus.Experiments;

/// <summary>
/// What the one read of a corpus document leaves for the steps after it: the hashes of its bytes and of its text, its
/// size and whether the text was extracted. Never the text itself, so a run holds a hundred thousand of these cheaply.
/// </summary>
internal sealed record DocumentReading
{
    public required string DocumentId { get; init; }

    /// <summary>Path relative to the corpus folder, with forward slashes.</summary>
    public required string File { get; init; }

    /// <summary>SHA-256 of the bytes read (and stored).</summary>
    public required string Sha256 { get; init; }

    /// <summary>SHA-256 of the UTF-8 text models see.</summary>
    public required string TextSha256 { get; init; }

    public required long Bytes { get; init; }

    public required long TextChars { get; init; }

    /// <summary>True when the text was extracted from a PDF or DOCX original.</summary>
    public required bool Extracted { get; init; }
}
