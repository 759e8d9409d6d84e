using System.Globalization;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Partial runs: `--from synthesis` (or `report`) takes the earlier stages from a finished run of the same framework
/// and documents — its results are copied, hash-checked, into the new run folder and no model is asked again —
/// and `--to` stops after a stage. The new run's manifest records both (<see cref="ManifestPlan"/>).
/// </summary>
internal sealed class EarlierRunReuse
{
    private const string Agent = nameof(Orchestrator);

    public static bool Reuses(RunContext run, string stage) => run.Manifest.Plan?.ReusedStages.Contains(stage) == true;

    public static bool StopsAfter(RunContext run, string stage) => run.Manifest.Plan?.StopAfter == stage;

    /// <summary>The source run's analyses, copied into this run after checking they were made of this run's inputs.</summary>
    public async Task<IReadOnlyList<string>> ReuseAnalysesAsync(RunContext run, IArtifactStore store, CancellationToken cancellationToken)
    {
        var (source, sourceFolder) = SourceOf(run);
        if (source.Stages.FirstOrDefault(s => s.Name == StageNames.BatchAnalysis)?.Status is not (RunStatus.Completed or RunStatus.CompletedWithFailures) || source.Outputs.AnalysisResults.Count == 0)
        {
            throw new RunFailedException($"run {source.RunId} has no finished BATCH ANALYSIS to start from; choose another run with --source, or run the analysis (without --from)");
        }

        if (source.Framework?.Sha256 != run.Manifest.Framework!.Sha256)
        {
            throw new RunFailedException($"the framework changed since run {source.RunId} (its hash differs), so its analyses do not apply; run the analysis again (without --from)");
        }

        var runDocuments = run.ReadDocuments();
        var documents = runDocuments.Select(d => (d.DocumentId, d.TextSha256)).ToHashSet();
        var changed = source.Documents.Count(d => !documents.Contains((d.DocumentId, d.TextSha256))) + Math.Abs(source.Documents.Count - runDocuments.Count);
        if (changed > 0)
        {
            throw new RunFailedException($"the corpus differs from run {source.RunId}'s ({changed} document(s) added, removed or changed), so its analyses do not apply; run the analysis again (without --from)");
        }

        var stage = StageNames.BatchAnalysis;
        await run.StageAsync(stage, s => s with { Status = RunStatus.Running, StartedAt = run.Now() }).ConfigureAwait(false);
        foreach (var hash in source.Outputs.AnalysisResults)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = await CopyVerifiedAsync(sourceFolder, source, RunFolder.AnalysisResultFile(hash), hash, run, ManifestFileChanges.AnalysisResultRole, cancellationToken).ConfigureAwait(false);
            await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        run.Failures.AddRange(source.Failures.Select(f => f with { Reason = $"(in run {source.RunId}) {f.Reason}" }));
        run.Outputs = run.Outputs with { AnalysisResults = source.Outputs.AnalysisResults };
        var reusedStage = source.Stages.First(s => s.Name == stage);
        await run.StageAsync(stage, s => s with
        {
            Status = reusedStage.Status,
            FinishedAt = run.Now(),
            DurationMs = 0,
            TasksTotal = reusedStage.TasksTotal,
            TasksSucceeded = reusedStage.TasksSucceeded,
            TasksFailed = reusedStage.TasksFailed,
        }).ConfigureAwait(false);
        await run.PersistOutputsAsync().ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"BATCH ANALYSIS taken from run {source.RunId}: {source.Outputs.AnalysisResults.Count} analyses copied and checked by hash; no model was called");
        return source.Outputs.AnalysisResults;
    }

    /// <summary>The source run's synthesis (statistics, exports, text), copied for `--from report`.</summary>
    public async Task<SynthesisResult> ReuseSynthesisAsync(RunContext run, IArtifactStore store, CancellationToken cancellationToken)
    {
        var (source, sourceFolder) = SourceOf(run);
        if (source.Outputs.SynthesisResult is not { } resultHash || source.Stages.FirstOrDefault(s => s.Name == StageNames.Synthesis)?.Status != RunStatus.Completed)
        {
            throw new RunFailedException($"run {source.RunId} has no finished SYNTHESIS to start the report from; use --from synthesis");
        }

        var resultBytes = await store.GetAsync(resultHash, cancellationToken).ConfigureAwait(false)
            ?? throw new RunFailedException($"the synthesis record of run {source.RunId} is not in the artifact store ({store.Description}); use --from synthesis");
        var stage = StageNames.Synthesis;
        await run.StageAsync(stage, s => s with { Status = RunStatus.Running, StartedAt = run.Now() }).ConfigureAwait(false);
        var copied = new List<string>();
        foreach (var path in new[] { source.Outputs.Synthesis, source.Outputs.Statistics }.Concat(source.Outputs.Exports).OfType<string>())
        {
            var listed = source.Files.FirstOrDefault(f => f.Path == path)
                ?? throw new RunFailedException($"run {source.RunId} does not list {path} in its manifest");
            await CopyVerifiedAsync(sourceFolder, source, path, listed.Sha256, run, listed.Role, cancellationToken).ConfigureAwait(false);
            copied.Add(path);
        }

        run.Outputs = run.Outputs with
        {
            Synthesis = source.Outputs.Synthesis,
            Statistics = source.Outputs.Statistics,
            ScoresCsv = source.Outputs.ScoresCsv,
            Exports = source.Outputs.Exports,
            SynthesisResult = resultHash,
        };
        await run.StageAsync(stage, s => s with { Status = RunStatus.Completed, FinishedAt = run.Now(), DurationMs = 0, TasksTotal = 1, TasksSucceeded = 1, TasksFailed = 0 }).ConfigureAwait(false);
        await run.PersistOutputsAsync().ConfigureAwait(false);
        run.Log.Info(stage, Agent, $"SYNTHESIS taken from run {source.RunId}: {copied.Count} file(s) copied and checked by hash; no model was called");
        return JsonSerializer.Deserialize<SynthesisResult>(resultBytes, DiscernusJson.Indented) ?? throw new RunFailedException($"the synthesis record of run {source.RunId} is empty");
    }

    private static (RunManifest Manifest, string Folder) SourceOf(RunContext run)
    {
        var folder = run.Manifest.Plan?.SourceRunFolder ?? throw new RunFailedException("the run names no source run");
        try
        {
            return (RunFolder.ReadManifest(Path.Combine(folder, RunFolder.ManifestFileName)), folder);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new RunFailedException($"the source run {folder} cannot be read ({ex.Message})");
        }
    }

    private static async Task<byte[]> CopyVerifiedAsync(string sourceFolder, RunManifest source, string relativePath, string expectedHash, RunContext run, string role, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(Path.Combine(sourceFolder, relativePath), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunFailedException($"{relativePath} of run {source.RunId} cannot be read ({ex.Message}); `discernus verify {sourceFolder}` shows what is wrong");
        }

        if (Hashing.Sha256Hex(bytes) != expectedHash)
        {
            throw new RunFailedException($"{relativePath} of run {source.RunId} does not match its hash in that run's manifest; `discernus verify {sourceFolder}` shows what changed");
        }

        await run.WriteOutputAsync(relativePath, bytes, role, cancellationToken).ConfigureAwait(false);
        return bytes;
    }
}
