using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Adoption: an Orchestrator takes over a run that exists, because the one executing it died or `run --resume` asked.
/// </summary>
internal sealed class RunAdoption(RunFinalizer finalizer, ExperimentLimits limits, OrchestratorOptions options, TimeProvider time, ILogger logger)
{
    private const string Agent = nameof(Orchestrator);

    /// <summary>
    /// Takes over a run that exists (its Orchestrator died, or `run --resume`): the experiment must still be the one
    /// the run was set up from, the store must hold the run's inputs (they are put back from <c>assets/</c> if not),
    /// and the run continues from the stages and results already recorded.
    /// </summary>
    public async Task<PreparedRun> AdoptAsync(RunRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        var runId = request.RunId;
        var folder = new RunFolder(request.RunFolder, runId);
        var manifest = folder.ReadManifestHead();
        if (manifest.Status is RunStatus.SettingUp || manifest.Framework is null)
        {
            return new PreparedRun(null, await finalizer.MarkFailedAsync(request, "the run was interrupted during RUN SETUP, before its inputs were all stored; it cannot be resumed: start a new run").ConfigureAwait(false));
        }

        // The documents are the manifest's own (stored at setup): their files are not read again.
        var report = ExperimentValidator.Validate(manifest.Experiment.Path, limits, cancellationToken, readDocuments: false);
        var changed = report.Experiment is not { } experiment
            ? $"the experiment at {manifest.Experiment.Path} no longer validates ({string.Join("; ", report.Blocking.Select(f => f.Message).Take(3))})"
            : ChangedInput(experiment, manifest);
        if (changed is not null)
        {
            return new PreparedRun(null, await finalizer.MarkFailedAsync(request, $"cannot resume run {runId}: {changed}. A run continues only with the inputs it started with: start a new run").ConfigureAwait(false));
        }

        manifest = await RecordConfigChangeAsync(folder, manifest, report.Experiment!, store, cancellationToken).ConfigureAwait(false);
        var restored = await RestoreAssetsAsync(folder, store, cancellationToken).ConfigureAwait(false);
        var previous = manifest.Executions.LastOrDefault();
        var kind = request.Options?.GetValueOrDefault("resume") == "true" ? "resumed" : "adopted";
        manifest = await folder.UpdateManifestAsync(m => m with { Status = RunStatus.Running, Error = null, FinishedAt = null, ArtifactStore = store.Identity, Executions = [.. m.Executions, ExecutionRecord.Of(kind, options.OrchestratorId, time)] }, CancellationToken.None).ConfigureAwait(false);
        var log = new RunLog(folder, time);
        var run = new RunContext(folder, log, report.Experiment!, manifest.Models!, time);
        run.AdoptEarlierExecution();
        log.Warning("orchestrator", Agent,
            $"run {kind} by Orchestrator {options.OrchestratorId}" + (previous is null ? "" : $" after {previous.OrchestratorId} (process {previous.ProcessId} on {previous.Host}) stopped")
            + (restored > 0 ? $"; {restored} input(s) put back into the artifact store from assets/" : ""),
            new Dictionary<string, object?> { ["orchestrator"] = options.OrchestratorId, ["previous_orchestrator"] = previous?.OrchestratorId });
        logger.LogWarning("Run {RunId} {Kind} by {OrchestratorId}", runId, kind, options.OrchestratorId);
        return new PreparedRun(run, null);
    }

    /// <summary>
    /// What makes a run impossible to continue: a different framework (the analyses done and to do would not be
    /// comparable). The documents and models are the manifest's own, so a changed corpus does not matter; a changed
    /// experiment file (a raised budget, a new hypothesis) is taken, and recorded, by <see cref="RecordConfigChangeAsync"/>.
    /// </summary>
    private static string? ChangedInput(Experiment experiment, RunManifest manifest)
    {
        var framework = Hashing.Sha256Hex(File.ReadAllBytes(experiment.Framework.FilePath));
        return framework != manifest.Framework!.Sha256 ? $"the framework {Path.GetFileName(experiment.Framework.FilePath)} changed since the run started" : null;
    }

    /// <summary>A resumed run uses the experiment file as it is now; its new version is stored as an asset and named in the manifest.</summary>
    private async Task<RunManifest> RecordConfigChangeAsync(RunFolder folder, RunManifest manifest, Experiment experiment, IArtifactStore store, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(experiment.ExperimentFilePath, cancellationToken).ConfigureAwait(false);
        var hash = Hashing.Sha256Hex(bytes);
        if (hash == manifest.Experiment.ConfigSha256)
        {
            return manifest;
        }

        await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
        var asset = $"assets/{hash}{Path.GetExtension(experiment.ExperimentFilePath)}";
        await folder.WriteFileAsync(asset, bytes, cancellationToken).ConfigureAwait(false);
        new RunLog(folder, time).Warning("orchestrator", Agent,
            $"{Path.GetFileName(experiment.ExperimentFilePath)} changed since the run started (was {manifest.Experiment.ConfigSha256}); the rest of the run uses the current one ({hash})");
        return await folder.UpdateManifestAsync(m => m with
        {
            Experiment = m.Experiment with { ConfigSha256 = hash, ConfigAsset = asset },
        }, new ManifestFileChanges([new ManifestFile(asset, hash, "experiment")]), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Puts every input of the run back into the store from the run folder's own copies; returns how many were missing.</summary>
    private static async Task<int> RestoreAssetsAsync(RunFolder folder, IArtifactStore store, CancellationToken cancellationToken)
    {
        var restored = 0;
        var assets = new List<ManifestFile>();
        folder.ReadFiles(f =>
        {
            if (f.Path.StartsWith("assets/", StringComparison.Ordinal))
            {
                assets.Add(f);
            }
        });
        foreach (var file in assets)
        {
            if (await store.ExistsAsync(file.Sha256, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder.Path, file.Path), cancellationToken).ConfigureAwait(false);
            if (Hashing.Sha256Hex(bytes) != file.Sha256)
            {
                throw new RunFailedException($"the run's copy of {file.Path} does not match its hash in the manifest; `discernus verify {folder.Path}` shows what changed");
            }

            await store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
            restored++;
        }

        return restored;
    }
}
