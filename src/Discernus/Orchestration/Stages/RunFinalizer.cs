using System.Text.Json;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// The end of a run, whatever ended it: the folder is the record and is written first (manifest, logs, outputs, cost),
/// so a Redis outage cannot leave it saying "running"; then the run's state in Redis, which is left to expire.
/// </summary>
internal sealed class RunFinalizer(RemoteCalls calls, RunRegistry registry, RunStateWriter state, TimeProvider time, ILogger logger)
{
    private const string Agent = nameof(Orchestrator);

    public async Task FinalizeAsync(RunContext run, string status, string? error)
    {
        await calls.CloseAsync(run).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var counts = registry.CountsOf(run.Folder.RunId);
        // After a cancel or a failure, tasks already started may still finish and log: sealing sends their lines to
        // logs/after_finalize.jsonl, so the logs hashed here stay as they are and verify keeps passing.
        run.Log.Seal();
        var logFiles = new List<ManifestFile>();
        if (Directory.Exists(run.Folder.LogsDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(run.Folder.LogsDirectory, "*.jsonl").Where(f => Path.GetFileName(f) != RunLog.AfterFinalizeFile + ".jsonl").Order(StringComparer.Ordinal))
            {
                logFiles.Add(new ManifestFile(run.Folder.Relative(file), await Hashing.Sha256FileAsync(file).ConfigureAwait(false), "log"));
            }
        }

        // The folder is the record: it is written first, so a Redis outage cannot leave it saying "running".
        await run.Folder.UpdateManifestAsync(m => m with
        {
            Status = status,
            Error = error,
            FinishedAt = IsoTime.Format(now),
            Stages = m.Stages.Select(s => s.Status is RunStatus.Running or RunStatus.Pending && (status is not (RunStatus.Completed or RunStatus.CompletedWithFailures) || s.Status == RunStatus.Pending)
                ? s with { Status = s.Status == RunStatus.Running ? status : "skipped", FinishedAt = s.Status == RunStatus.Running ? IsoTime.Format(now) : null }
                : s).ToList(),
            Failures = run.Failures.ToList(),
            Cost = Counted(run.Cost(m.Cost), counts),
            Outputs = run.Outputs,
        }, run.FileChanges(logFiles, removeRole: "log"), CancellationToken.None).ConfigureAwait(false);

        await state.SetAsync(run.Folder.RunId, new Dictionary<string, string>
        {
            [RunStateFields.Status] = status,
            [RunStateFields.Error] = error ?? "",
        }).ConfigureAwait(false);
        await state.EndAsync(run.Folder.RunId).ConfigureAwait(false);
    }

    /// <summary>Records a run that ends before it has a context (setup or adoption refused) in its folder, if any, and in Redis.</summary>
    public async Task<RunOutcome> MarkFailedAsync(RunRequest request, string error)
    {
        var manifestPath = Path.Combine(request.RunFolder, RunFolder.ManifestFileName);
        if (File.Exists(manifestPath))
        {
            try
            {
                var folder = new RunFolder(request.RunFolder, request.RunId);
                await folder.UpdateManifestAsync(m => RunStatus.IsFinal(m.Status) ? m : m with { Status = RunStatus.Failed, Error = error, FinishedAt = IsoTime.Format(time.GetUtcNow()) }).ConfigureAwait(false);
                new RunLog(folder, time).Error("orchestrator", Agent, error);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                logger.LogError("Run {RunId} failed ({Error}) and its manifest could not be updated: {Message}", request.RunId, error, ex.Message);
            }
        }

        await state.SetAsync(request.RunId, new Dictionary<string, string> { [RunStateFields.Status] = RunStatus.Failed, [RunStateFields.Error] = error }).ConfigureAwait(false);
        await state.EndAsync(request.RunId).ConfigureAwait(false);
        return new RunOutcome(request.RunId, RunStatus.Failed, File.Exists(manifestPath) ? request.RunFolder : null, error, null, null);
    }

    /// <summary>
    /// The call counts of a run: those its results carry (made by whichever process ran each task, remote workers
    /// included) or, when more, those this process counted (which also include the calls of tasks that failed and so
    /// have no result).
    /// </summary>
    private static ManifestCost Counted(ManifestCost fromResults, Models.ModelCallCounts here) => fromResults with
    {
        ProviderRequests = Math.Max(fromResults.ProviderRequests, here.ProviderRequests),
        CacheHits = Math.Max(fromResults.CacheHits, here.CacheHits),
        Retries = Math.Max(fromResults.Retries, here.Retries),
        Failures = Math.Max(fromResults.Failures, here.Failures),
        OfflineAnalyses = Math.Max(fromResults.OfflineAnalyses, here.OfflineAnalyses),
    };
}
