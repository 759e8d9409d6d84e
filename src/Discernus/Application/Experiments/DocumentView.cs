using System.Text.Json;
using Discernus.Agents;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>One document of a run as its page names it: its id, file, the hash of the text the models saw, and its metadata.</summary>
public sealed record RunDocument(string DocumentId, string File, string TextSha256, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// One document of a run for its page: the text with the verified evidence marked per dimension, the analyses (one
/// shown), the quotes that could not be verified, what the models were asked and answered, and its scores in other runs.
/// </summary>
public sealed record DocumentView
{
    public required RunDocument Document { get; init; }

    public required List<string> Dimensions { get; init; }

    public required IReadOnlyList<AnalysisResult> Analyses { get; init; }

    public required IReadOnlyList<TextSegment> Segments { get; init; }

    public required IReadOnlyList<(string Dimension, string Quote)> Unverified { get; init; }

    /// <summary>The analysis shown (<see cref="Key"/>), the first when none was asked for.</summary>
    public string? Highlight { get; init; }

    public required IReadOnlyList<OtherRunScore> OtherRuns { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyList<TranscriptAttempt>> Transcripts { get; init; }

    /// <summary>Why the transcripts' prompts and answers cannot be read from the run's store, if they cannot.</summary>
    public string? StoreProblem { get; init; }

    /// <summary>How an analysis is named in addresses and headings: "model run n".</summary>
    public static string Key(AnalysisResult analysis) => $"{analysis.ProcessingMetadata.Model} run {analysis.ProcessingMetadata.Run}";

    /// <summary>The document whose text hash is <paramref name="textHash"/>, or null when the run has none.</summary>
    public static async Task<DocumentView?> ReadAsync(ProjectPaths paths, RunData data, string textHash, string? highlight, RunStores stores, TimeProvider time, CancellationToken cancellationToken)
    {
        var m = data.Manifest;
        if (m.Documents.FirstOrDefault(d => d.TextSha256 == textHash) is not { } doc)
        {
            return null;
        }

        var text = paths.FileInside(data.Folder, doc.TextAsset) is { } asset ? await File.ReadAllTextAsync(asset, cancellationToken) : string.Empty;
        var dimensions = (m.Framework?.Dimensions ?? []).ToList();
        var analyses = data.Results.Where(r => r.DocumentId == doc.TextSha256)
            .OrderBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal).ThenBy(r => r.ProcessingMetadata.Run).ToList();
        var shown = analyses.FirstOrDefault(a => Key(a) == highlight) ?? analyses.FirstOrDefault();
        var quotes = shown?.FrameworkAnalysis
            .SelectMany(kv => kv.Value.Evidence.Where(e => e.Verified).Select(e => (Math.Max(0, dimensions.IndexOf(kv.Key)), e.Quote)))
            .ToList() ?? [];
        var unverified = shown?.FrameworkAnalysis
            .SelectMany(kv => kv.Value.Evidence.Where(e => !e.Verified).Select(e => (kv.Key, e.Quote)))
            .ToList() ?? [];

        var (store, storeProblem) = await stores.ForRunAsync(data.ExperimentFolder, m, cancellationToken);
        var transcripts = new Dictionary<string, IReadOnlyList<TranscriptAttempt>>(StringComparer.Ordinal);
        if (paths.FileInside(data.Folder, RunFolder.InteractionsLog) is { } interactions)
        {
            foreach (var a in analyses)
            {
                transcripts[a.ProcessingMetadata.TaskId] = await Transcript.ForTaskAsync(interactions, a.ProcessingMetadata.TaskId, store, cancellationToken);
            }
        }

        return new DocumentView
        {
            Document = new RunDocument(doc.DocumentId, doc.File, doc.TextSha256, doc.Metadata),
            Dimensions = dimensions,
            Analyses = analyses,
            Segments = EvidenceHighlighter.Segments(text, quotes),
            Unverified = unverified,
            Highlight = shown is null ? null : Key(shown),
            OtherRuns = ScoresInOtherRuns(paths, data, doc.TextSha256, time),
            Transcripts = transcripts,
            StoreProblem = storeProblem,
        };
    }

    /// <summary>The document's scores in up to ten other runs of the experiment, newest first.</summary>
    private static List<OtherRunScore> ScoresInOtherRuns(ProjectPaths paths, RunData current, string textHash, TimeProvider time)
    {
        var scores = new List<OtherRunScore>();
        foreach (var folder in paths.RunFolders(current.ExperimentFolder).Where(f => f != current.Folder).Take(10))
        {
            RunData other;
            try
            {
                other = RunData.Load(paths, current.ExperimentFolder, folder, time);
            }
            catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException)
            {
                continue;
            }

            foreach (var r in other.Results.Where(r => r.DocumentId == textHash))
            {
                scores.AddRange(r.FrameworkAnalysis.Select(kv => new OtherRunScore(other.RunId, r.ProcessingMetadata.Model, r.ProcessingMetadata.Run, kv.Key, kv.Value.Score, kv.Value.Salience, kv.Value.Confidence)));
            }
        }

        return scores;
    }
}
