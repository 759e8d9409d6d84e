using System.Text;
using Discernus.Content;

namespace Discernus.Experiments;

internal sealed partial class ExperimentReader
{
    /// <summary>
    /// True (the default): <see cref="Read"/> also reads every document to check its content. False: it checks the
    /// experiment and where the documents are, and the caller reads them once with <see cref="ReadDocumentsAsync"/>,
    /// passing their content on (to the artifact store, to a token counter) in the same pass.
    /// </summary>
    public bool ReadsDocuments { get; init; } = true;

    /// <summary>
    /// Reads each document of <paramref name="experiment"/> once, in corpus order, and hands every usable one to
    /// <paramref name="sink"/> before reading the next. Returns the problems found (the same findings
    /// <see cref="Read"/> reports) and the readings of the usable documents.
    /// </summary>
    public async Task<(IReadOnlyList<ValidationFinding> Findings, IReadOnlyList<DocumentReading> Readings)> ReadDocumentsAsync(
        Experiment experiment, Func<DocumentContent, CancellationToken, ValueTask>? sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var findings = new FindingCollector(experiment.Directory);
        var readings = new List<DocumentReading>(experiment.Corpus.Documents.Count);
        foreach (var document in experiment.Corpus.Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadDocument(document, findings) is not { } content)
            {
                continue;
            }

            if (sink is not null)
            {
                await sink(content, cancellationToken).ConfigureAwait(false);
            }

            readings.Add(content.Reading);
        }

        return (findings.Findings, readings);
    }

    /// <summary>The same single pass as <see cref="ReadDocumentsAsync"/>, for observers that do no I/O (a token counter).</summary>
    public (IReadOnlyList<ValidationFinding> Findings, IReadOnlyList<DocumentReading> Readings) ReadDocuments(
        Experiment experiment, Action<DocumentContent>? observe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var findings = new FindingCollector(experiment.Directory);
        var readings = new List<DocumentReading>(experiment.Corpus.Documents.Count);
        foreach (var document in experiment.Corpus.Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadDocument(document, findings) is { } content)
            {
                observe?.Invoke(content);
                readings.Add(content.Reading);
            }
        }

        return (findings.Findings, readings);
    }

    private void CheckDocuments(List<CorpusDocument> documents, string reportFile, FindingCollector findings, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            findings.Blocking(FindingCodes.NoDocuments, reportFile, "documents", "the corpus has no documents",
                "list at least one document in the manifest and put the file in corpus/");
            return;
        }

        if (documents.Count > limits.MaxDocuments)
        {
            findings.Blocking(FindingCodes.TooManyDocuments, reportFile, "documents",
                $"the corpus lists {documents.Count:N0} documents, over the limit of {limits.MaxDocuments:N0}",
                "split the corpus, or raise the limit with DISCERNUS_MAX_DOCUMENTS");
            return;
        }

        if (!ReadsDocuments)
        {
            return;
        }

        foreach (var document in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadDocument(document, findings);
        }
    }

    /// <summary>
    /// The one read of a document: its bytes, checked against the limits, decoded or extracted, both hashed. Null, with
    /// a finding naming the file and the fix, when it cannot be used.
    /// </summary>
    private DocumentContent? ReadDocument(CorpusDocument document, FindingCollector findings)
    {
        // Where each document lies was checked when it was listed or resolved; what it is may have changed since.
        if (!MayRead(document.FullPath, findings, checkContainment: false))
        {
            return null;
        }

        long length;
        try
        {
            length = new FileInfo(document.FullPath).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, document.FullPath, null, $"the document cannot be read: {ex.Message}",
                "check that the file is readable");
            return null;
        }

        if (length > limits.MaxDocumentBytes)
        {
            findings.Blocking(FindingCodes.DocumentTooLarge, document.FullPath, null,
                $"the document is {length:N0} bytes, over the {limits.MaxDocumentBytes:N0}-byte limit",
                "split it into smaller documents, or raise the limit with DISCERNUS_MAX_DOCUMENT_BYTES");
            return null;
        }

        var extension = document.Extension;
        if (!DocumentTextExtractor.SupportedExtensions.Contains(extension))
        {
            findings.Blocking(FindingCodes.UnsupportedDocument, document.FullPath, null, $"'.{extension}' documents are not supported",
                "convert it to .txt, .md, .pdf or .docx");
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = DocumentFile.ReadAllBytes(document.FullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            findings.Blocking(FindingCodes.FileUnreadable, document.FullPath, null, $"the document cannot be read: {ex.Message}",
                "check that the file is readable");
            return null;
        }

        if (bytes.LongLength > limits.MaxDocumentBytes)
        {
            // It grew between the size check and the read.
            findings.Blocking(FindingCodes.DocumentTooLarge, document.FullPath, null,
                $"the document is {bytes.LongLength:N0} bytes, over the {limits.MaxDocumentBytes:N0}-byte limit",
                "split it into smaller documents, or raise the limit with DISCERNUS_MAX_DOCUMENT_BYTES");
            return null;
        }

        var text = DocumentTextExtractor.Extract(document.FileName, bytes, limits);
        if (!text.Succeeded)
        {
            findings.Blocking(text.ProblemCode!, document.FullPath, null, text.Problem!, text.Fix!);
            return null;
        }

        var textBytes = Encoding.UTF8.GetBytes(text.Text!);
        var sha256 = Hashing.Sha256Hex(bytes);
        var reading = new DocumentReading
        {
            DocumentId = document.DocumentId,
            File = document.RelativePath,
            Sha256 = sha256,
            // A plain UTF-8 file is its own text: one hash, and one string for it in a reading held per document.
            TextSha256 = textBytes.AsSpan().SequenceEqual(bytes) ? sha256 : Hashing.Sha256Hex(textBytes),
            Bytes = bytes.LongLength,
            TextChars = text.Text!.Length,
            Extracted = text.Extracted,
        };
        return new DocumentContent(document, reading, bytes, text.Text!, textBytes);
    }
}
