using System.Text.Json;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// SYNTHESIS: one task that turns the analyses into statistics, exports and a text; or, for `--from report`, the
/// synthesis of an earlier run copied in (<see cref="EarlierRunReuse"/>).
/// </summary>
internal sealed class SynthesisStage(StageWaiter waiter, EarlierRunReuse reuse) : IRunStage
{
    public string Name => StageNames.Synthesis;

    public async Task RunAsync(StageRun stage, StageOutputs outputs, CancellationToken cancellationToken)
    {
        var run = stage.Run;
        outputs.Synthesis = EarlierRunReuse.Reuses(run, StageNames.Synthesis) && !run.IsStageDone(StageNames.Synthesis)
            ? await reuse.ReuseSynthesisAsync(run, stage.Store, cancellationToken).ConfigureAwait(false)
            : await SynthesiseAsync(stage, outputs.Analyses, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SynthesisResult> SynthesiseAsync(StageRun stage, IReadOnlyList<string> analyses, CancellationToken cancellationToken)
    {
        var (run, store) = (stage.Run, stage.Store);
        if (run.IsStageDone(StageNames.Synthesis) && run.Outputs.SynthesisResult is { } recordedHash)
        {
            var recorded = await store.GetAsync(recordedHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the recorded synthesis result is not in the artifact store");
            return JsonSerializer.Deserialize<SynthesisResult>(recorded, DiscernusJson.Indented) ?? throw new RunFailedException("the recorded synthesis result is empty");
        }

        var contract = Contract(run, await store.PutAsync(AnalysisResultIndex.Serialize(analyses), cancellationToken).ConfigureAwait(false), analyses.Count);
        SynthesisResult? result = null;
        await waiter.RunAsync(new StageRequest(run, StageNames.Synthesis,
            TaskPlan.Of(new PlannedTask(contract.TaskId, traceparent => CoordinationJson.Serialize(contract with { Traceparent = traceparent }), null, contract.Model)),
            async (_, signal) => result = await RecordAsync(stage, signal, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);

        var synthesis = result ?? throw new RunFailedException($"synthesis failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
        await run.PersistOutputsAsync().ConfigureAwait(false);
        return synthesis;
    }

    private static SynthesizeResultsTask Contract(RunContext run, string analysesIndex, int analyses)
    {
        var experiment = run.Experiment;
        return new SynthesizeResultsTask
        {
            RunId = run.Folder.RunId,
            TaskId = TaskIds.Build(run.Folder.RunId, TaskTypes.SynthesizeResults, 1),
            AnalysisResultsIndex = analysesIndex,
            AnalysisResultCount = analyses,
            FrameworkHash = run.Manifest.Framework!.Sha256,
            PromptHash = run.PromptHash(PromptLibrary.SynthesizeResults),
            Model = run.Models.Names[0],
            Params = new SynthesisParams
            {
                ExperimentName = experiment.Name,
                AnalysisVariant = experiment.AnalysisVariant,
                Grouping = experiment.Grouping,
                Hypotheses = experiment.Hypotheses.Select(h => $"{h.Id}: {h.Description.Trim()}").ToList(),
                DocumentsFailed = run.Failures.Select(f => f.DocumentName).Distinct().Count(),
                Cache = run.Models.Cache == Models.CacheModes.Refresh ? Models.CacheModes.Refresh : null,
                Research = new ResearchSettings { ReliabilityFiltering = experiment.ReliabilityFiltering, AdvancedFiltering = experiment.AdvancedFiltering, GoldHash = run.Manifest.Gold?.Sha256, Hypotheses = experiment.Hypotheses, Validation = run.Manifest.Validity?.Validation, Calibration = run.Manifest.Validity?.Calibration },
            },
        };
    }

    /// <summary>Takes the synthesis into the run: its usage, and its text, statistics, exports and calibration maps as files.</summary>
    private static async Task<SynthesisResult> RecordAsync(StageRun stage, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var (run, store) = (stage.Run, stage.Store);
        var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis result is not in the artifact store");
        var result = JsonSerializer.Deserialize<SynthesisResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the synthesis result is empty");
        var sent = !Models.ModelName.IsOffline(result.Model);
        run.AddUsage(sent ? result.TokensUsed.Prompt : 0, sent ? result.TokensUsed.Completion : 0, result.CostUsd, false, result.Calls);
        var text = await store.GetAsync(result.SynthesisTextHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the synthesis text is not in the artifact store");
        var statistics = await store.GetAsync(result.StatisticsHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the statistics are not in the artifact store");
        var synthesisPath = await run.WriteOutputAsync(RunFolder.SynthesisFile(result.SynthesisTextHash), text, "synthesis", cancellationToken).ConfigureAwait(false);
        var statisticsPath = await run.WriteOutputAsync(RunFolder.StatisticsFile, statistics, "statistics", cancellationToken).ConfigureAwait(false);
        var exports = new List<string>();
        foreach (var (file, hash) in result.Exports.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!await run.CopyOutputAsync(RunFolder.ExportFile(file), store, hash, "export", cancellationToken).ConfigureAwait(false))
            {
                throw new RunFailedException($"the export {file} is not in the artifact store");
            }

            exports.Add(RunFolder.ExportFile(file));
        }

        if (result.CalibrationHash is { } calibrationHash)
        {
            var maps = await store.GetAsync(calibrationHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the calibration maps are not in the artifact store");
            var mapsPath = await run.WriteOutputAsync(RunFolder.CalibrationFile, maps, "calibration", cancellationToken).ConfigureAwait(false);
            await run.Folder.UpdateManifestAsync(m => m with
            {
                Validity = (m.Validity ?? new ManifestValidity { Validation = new Experiments.ValiditySettings() }) with { CalibrationModel = mapsPath, CalibrationModelSha256 = calibrationHash },
            }, CancellationToken.None).ConfigureAwait(false);
        }

        var scoresPath = exports.FirstOrDefault(e => e.EndsWith("/scores.csv", StringComparison.Ordinal));
        run.Outputs = run.Outputs with { Synthesis = synthesisPath, Statistics = statisticsPath, ScoresCsv = scoresPath, Exports = exports, SynthesisResult = signal.ResultHash };
        return result;
    }
}
