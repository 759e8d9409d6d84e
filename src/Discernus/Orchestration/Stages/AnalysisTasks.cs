using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>The analyses of a run: planned from its manifest, and each finished one taken into the run once.</summary>
internal static class AnalysisTasks
{
    /// <summary>
    /// Every analysis of the run, in the order model → run → document: task ids are a pure function of the manifest,
    /// so the pre-test, the full run and an Orchestrator that adopts the run all plan the same ones.
    /// </summary>
    public static List<PlannedTask> Plan(RunContext run)
    {
        var manifest = run.Manifest;
        var promptHash = run.PromptHash(PromptLibrary.AnalyseDocument);

        // Only what a contract needs is kept per document, its metadata as shared strings: a task holds its id and this,
        // and the contract itself is written when the task is queued.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string value) => strings.TryGetValue(value, out var shared) ? shared : strings[value] = value;
        var documents = run.ReadDocuments().Select(d => new PlannedDocument(d.File, d.DocumentId, d.TextSha256,
            [.. d.Metadata.SelectMany(kv => new[] { Shared(kv.Key), Shared(kv.Value) })])).ToList();
        strings.Clear();

        var planned = new List<PlannedTask>(documents.Count * run.Models.Names.Count * run.Models.RunsPerModel);
        var n = 0;
        foreach (var model in run.Models.Names)
        {
            for (var r = 1; r <= run.Models.RunsPerModel; r++)
            {
                foreach (var document in documents)
                {
                    // Ids are a pure function of the manifest, so an Orchestrator that adopts the run plans the same ones.
                    var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.AnalyseDocument, ++n);
                    var (doc, forModel, run_) = (document, model, r);
                    string Contract(string? traceparent) => CoordinationJson.Serialize(new AnalyseDocumentTask
                    {
                        RunId = run.Folder.RunId,
                        TaskId = taskId,
                        FrameworkHash = manifest.Framework!.Sha256,
                        DocumentHash = doc.TextSha256,
                        DocumentName = doc.File,
                        PromptHash = promptHash,
                        Model = forModel,
                        Params = new AnalysisParams
                        {
                            Run = run_,
                            AnalysisVariant = run.Models.AnalysisVariant,
                            CorpusDocumentId = doc.DocumentId,
                            Cache = run.Models.Cache == Models.CacheModes.Refresh ? Models.CacheModes.Refresh : null,
                            Extra = new Dictionary<string, JsonElement> { ["metadata"] = JsonSerializer.SerializeToElement(doc.MetadataDictionary()) },
                        },
                        Traceparent = traceparent,
                    });
                    planned.Add(new PlannedTask(taskId, Contract, document.File, model));
                }
            }
        }

        return planned;
    }

    /// <summary>What an analysis contract needs of a manifest document; metadata as key, value, key, value…, in the manifest's order.</summary>
    private sealed record PlannedDocument(string File, string DocumentId, string TextSha256, string[] Metadata)
    {
        public Dictionary<string, string> MetadataDictionary()
        {
            var metadata = new Dictionary<string, string>(Metadata.Length / 2, StringComparer.Ordinal);
            for (var i = 0; i < Metadata.Length; i += 2)
            {
                metadata[Metadata[i]] = Metadata[i + 1];
            }

            return metadata;
        }
    }

    /// <summary>
    /// Takes a finished analysis into the run (<see cref="FetchAsync"/>, then <see cref="CountAsync"/>), returning the whole
    /// result (for the pre-test's report on its sample).
    /// </summary>
    public static async Task<AnalysisResult> RecordWholeAsync(RunContext run, IArtifactStore store, PlannedTask task, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(store, signal, cancellationToken).ConfigureAwait(false);
        await CountAsync(run, task, fetched, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<AnalysisResult>(fetched.Bytes, DiscernusJson.Indented)
            ?? throw new RunFailedException($"the result of {task.TaskId} is empty");
    }

    /// <summary>
    /// A result read from the store (checked against its hash) and its processing metadata. It touches nothing of the
    /// run, so the Orchestrator reads the results of many signals at once (one store round trip after the other, on S3
    /// a round trip per result) and then counts them in order with <see cref="CountAsync"/>. Its file is written to the
    /// run folder only when it is counted: a result file is a record of the run, and a signal read ahead may never be
    /// counted (a second delivery of a task, a run stopped in the middle of a batch).
    /// </summary>
    public static async Task<FetchedResult> FetchAsync(IArtifactStore store, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var hash = signal.ResultHash!;
        var bytes = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false)
            ?? throw new RunFailedException($"the result {hash} of {signal.TaskId} is not in the artifact store");
        var meta = JsonSerializer.Deserialize<ResultUsage>(bytes, DiscernusJson.Indented)?.ProcessingMetadata
            ?? throw new RunFailedException($"the result of {signal.TaskId} has no processing metadata");
        return new FetchedResult(hash, bytes, meta);
    }

    /// <summary>
    /// Takes a fetched analysis into the run: its tokens, cost and calls in the run's totals and its result file in the
    /// run folder, each counted once (a sample answer the pre-test counted is not counted again by the full run).
    /// Only the result's processing metadata is read: the result itself is deserialised once per run, by the synthesis.
    /// </summary>
    public static async Task CountAsync(RunContext run, PlannedTask task, FetchedResult fetched, CancellationToken cancellationToken)
    {
        if (!run.CountOnce(task.TaskId))
        {
            return;
        }

        var meta = fetched.Metadata;
        // Tokens count what was sent to a provider: an offline model's prompt goes nowhere.
        var sent = !Models.ModelName.IsOffline(meta.Model);
        run.AddUsage(sent ? meta.TokensUsed.Prompt : 0, sent ? meta.TokensUsed.Completion : 0, meta.CostUsd, meta.Cached,
            new Models.ModelCallCounts(meta.ProviderRequests, meta.CacheHits, meta.Retries, meta.FailedRequests, meta.OfflineAnalyses));
        await run.WriteAnalysisResultAsync(fetched.Hash, fetched.Bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A result read from the store, not yet counted.</summary>
    internal sealed record FetchedResult(string Hash, byte[] Bytes, ProcessingMetadata Metadata);

    /// <summary>What the run's accounting needs of a result; the scores and quotes are skipped, not built.</summary>
    private sealed record ResultUsage
    {
        public ProcessingMetadata? ProcessingMetadata { get; init; }
    }
}
