using System.Text.Json;
using Discernus.Agents;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>REPORT: one task that writes the run's report, in Markdown and HTML, from its synthesis and manifest.</summary>
internal sealed class ReportStage(StageWaiter waiter) : IRunStage
{
    private const string Agent = nameof(Orchestrator);

    public string Name => StageNames.Report;

    public async Task RunAsync(StageRun stage, StageOutputs outputs, CancellationToken cancellationToken)
    {
        var (run, store) = (stage.Run, stage.Store);
        var synthesis = outputs.Synthesis ?? throw new RunFailedException("the report needs a synthesis, and the run has none");

        // The report describes the run as it is now: stages, failures and cost so far.
        // Its head, and no list of result hashes: the report needs no per-document list (the corpus size is in
        // `corpus.document_count`), and at 100,000 documents that list alone is 7 MB to store and read back.
        var snapshot = run.Folder.ReadManifestHead() with { Failures = run.Failures.ToList(), Cost = run.Cost(run.Manifest.Cost), Outputs = run.Outputs with { AnalysisResults = [] } };
        var manifestHash = await store.PutAsync(DiscernusJson.Serialize(snapshot), cancellationToken).ConfigureAwait(false);
        var taskId = TaskIds.Build(run.Folder.RunId, TaskTypes.GenerateReport, 1);
        var contract = new GenerateReportTask
        {
            RunId = run.Folder.RunId,
            TaskId = taskId,
            SynthesisHash = await store.PutAsync(DiscernusJson.Serialize(synthesis), cancellationToken).ConfigureAwait(false),
            StatisticsHash = synthesis.StatisticsHash,
            ManifestHash = manifestHash,
            PromptHash = run.PromptHash(PromptLibrary.GenerateReport),
        };

        // A report an interrupted execution began but never recorded is regenerated, not kept beside the new one.
        RemoveUnrecordedReports(run);
        (string, string)? paths = null;
        await waiter.RunAsync(new StageRequest(run, StageNames.Report,
            TaskPlan.Of(new PlannedTask(taskId, traceparent => CoordinationJson.Serialize(contract with { Traceparent = traceparent }), null, null)),
            async (_, signal) => paths = await RecordAsync(stage, signal, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);

        outputs.Report = paths ?? throw new RunFailedException($"the report failed: {run.Failures.LastOrDefault()?.Reason ?? "no result"}");
    }

    private static async Task<(string Markdown, string Html)> RecordAsync(StageRun stage, CompletionSignal signal, CancellationToken cancellationToken)
    {
        var (run, store) = (stage.Run, stage.Store);
        var bytes = await store.GetAsync(signal.ResultHash!, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report result is not in the artifact store");
        var result = JsonSerializer.Deserialize<ReportResult>(bytes, DiscernusJson.Indented) ?? throw new RunFailedException("the report result is empty");
        var markdown = await store.GetAsync(result.MarkdownHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the report is not in the artifact store");
        var html = await store.GetAsync(result.HtmlHash, cancellationToken).ConfigureAwait(false) ?? throw new RunFailedException("the HTML report is not in the artifact store");
        var markdownPath = await run.WriteOutputAsync(RunFolder.ReportMarkdownFile, markdown, "report", cancellationToken).ConfigureAwait(false);
        var htmlPath = await run.WriteOutputAsync(RunFolder.ReportHtmlFile, html, "report_html", cancellationToken).ConfigureAwait(false);
        run.Outputs = run.Outputs with { ReportMarkdown = markdownPath, ReportHtml = htmlPath };
        return (markdownPath, htmlPath);
    }

    private static void RemoveUnrecordedReports(RunContext run)
    {
        if (!run.Adopted || !Directory.Exists(run.Folder.ReportsDirectory))
        {
            return;
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        run.Folder.ReadFiles(f => listed.Add(f.Path));
        foreach (var path in Directory.EnumerateFiles(run.Folder.ReportsDirectory))
        {
            var relative = run.Folder.Relative(path);
            if (!listed.Contains(relative))
            {
                File.Delete(path);
                run.Log.Warning(StageNames.Report, Agent, $"removed {relative}, written by an interrupted execution and never recorded; it is generated again");
            }
        }
    }
}
