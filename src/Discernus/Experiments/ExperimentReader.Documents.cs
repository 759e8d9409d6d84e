namespace Discernus.Experiments;

public sealed partial class ExperimentReader
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
}
