using Discernus.Cli;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `run --from synthesis|report` takes the earlier stages from a finished run of the same inputs and asks no model
/// to analyse again; `--to` stops after a stage. Provider requests are counted on a real HTTP model server.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class PartialRunTests
{
    private const string Model = "openai-compatible/partial-model";

    [Fact]
    public async Task FromSynthesis_MakesNoAnalysisCall_AndFromReport_NoCallAtAll_AndEachRunVerifies()
    {
        await using var server = StartServer();
        using var sandbox = Sandbox(server);
        var whole = await sandbox.RunAsync("--model", Model);
        Assert.Equal(0, whole.ExitCode);
        var first = whole.Folder;
        var analysesOfFirst = server.Requests.Count(r => !ScriptedAnalysisAnswers.IsSynthesis(r));
        var before = server.Requests.Count;

        var fromSynthesis = await RunAsync(sandbox, "--from", "synthesis");
        var afterSynthesis = server.Requests.Skip(before).ToList();
        var fromReport = await RunAsync(sandbox, "--from", "report", "--source", first);
        var afterReport = server.Requests.Skip(before + afterSynthesis.Count).ToList();

        Assert.Equal(2, analysesOfFirst);
        Assert.Equal(0, fromSynthesis.Exit);
        // The synthesis is done again (its answer may come from the cache); no document is analysed again.
        Assert.All(afterSynthesis, r => Assert.True(ScriptedAnalysisAnswers.IsSynthesis(r), "--from synthesis asked for an analysis"));
        Assert.Equal([StageNames.BatchAnalysis], RunFolder.ReadManifest(Path.Combine(fromSynthesis.Folder, RunFolder.ManifestFileName)).Plan!.ReusedStages);
        Assert.Equal([StageNames.BatchAnalysis, StageNames.Synthesis], RunFolder.ReadManifest(Path.Combine(fromReport.Folder, RunFolder.ManifestFileName)).Plan!.ReusedStages);
        Assert.Equal(0, fromReport.Exit);
        Assert.Empty(afterReport);
        foreach (var folder in new[] { fromSynthesis.Folder, fromReport.Folder })
        {
            var manifest = RunFolder.ReadManifest(Path.Combine(folder, RunFolder.ManifestFileName));
            Assert.Equal(RunStatus.Completed, manifest.Status);
            Assert.Equal(Path.GetFileName(first), manifest.Plan!.SourceRunId);
            Assert.Equal(RunFolder.ReadManifest(Path.Combine(first, RunFolder.ManifestFileName)).Outputs.AnalysisResults, manifest.Outputs.AnalysisResults);
            Assert.True(File.Exists(Path.Combine(folder, "results", "reports", "report.html")));
            Assert.True((await RunVerifier.VerifyAsync(folder)).Succeeded);
        }
    }

    [Fact]
    public async Task To_StopsAfterTheStage_AndSkipsTheRest()
    {
        await using var server = StartServer();
        using var sandbox = Sandbox(server);

        var run = await sandbox.RunAsync("--model", Model, "--to", "batch_analysis");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain(server.Requests, ScriptedAnalysisAnswers.IsSynthesis);
        var manifest = RunFolder.ReadManifest(Path.Combine(run.Folder, RunFolder.ManifestFileName));
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal(["completed", "skipped", "skipped"], manifest.Stages.Skip(2).Select(s => s.Status));
        Assert.False(Directory.Exists(Path.Combine(run.Folder, "results", "reports")));
        Assert.True((await RunVerifier.VerifyAsync(run.Folder)).Succeeded);
    }

    [Fact]
    public async Task FromSynthesis_IsRefused_WhenTheFrameworkChangedSinceTheSourceRun()
    {
        await using var server = StartServer();
        using var sandbox = Sandbox(server);
        Assert.Equal(0, (await sandbox.RunAsync("--model", Model)).ExitCode);
        File.AppendAllText(Path.Combine(sandbox.ExperimentPath, "framework.md"), "\nA note added after the first run.\n");
        var before = server.Requests.Count;

        var partial = await RunAsync(sandbox, "--from", "synthesis");

        Assert.Equal(4, partial.Exit);
        Assert.Contains("the framework changed since run", partial.Output);
        Assert.Equal(before, server.Requests.Count);
    }

    private static FakeModelServer StartServer()
    {
        var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("The two remarks differ in tone.")
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)));
        return server;
    }

    private static PipelineSandbox Sandbox(FakeModelServer server) => PipelineSandbox.Of("nano", new Dictionary<string, string?>
    {
        ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
        ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "partial-test-key",
    });

    /// <summary>Another run of the sandbox's experiment; returns its exit code and its (new) run folder.</summary>
    private static async Task<(int Exit, string Folder, string Output)> RunAsync(PipelineSandbox sandbox, params string[] arguments)
    {
        var existing = Directory.GetDirectories(Path.Combine(sandbox.ExperimentPath, "runs")).ToHashSet();
        var cli = sandbox.NewHarness();
        var exit = await DiscernusCli.InvokeAsync(["run", sandbox.ExperimentPath, .. arguments], cli.Context).WaitAsync(PipelineSandbox.RunLimit);
        var folder = Directory.GetDirectories(Path.Combine(sandbox.ExperimentPath, "runs")).Single(f => !existing.Contains(f));
        return (exit, folder, cli.AllText);
    }
}

/// <summary>A run stopped by its budget is resumable: after the budget is raised it continues without paying twice.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class BudgetStopTests
{
    [Fact]
    public async Task ARunStoppedByItsBudget_IsResumable_AfterTheBudgetIsRaised_WithoutAskingForRecordedAnalysesAgain()
    {
        await using var server = FakeModelServer.Start();
        // Every answer reports a million prompt tokens: $0.15 at gpt-4o-mini's price, far above a budget of one cent.
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("Synthesis.", promptTokens: 10)
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)), promptTokens: 1_000_000);
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["OPENAI_API_KEY"] = "budget-test-key",
        });
        sandbox.Experiment.Replace("experiment.md", "grouping:", "budget: {max_cost_usd: 0.01}\ngrouping:");

        var stopped = await sandbox.RunAsync("--model", "openai/gpt-4o-mini", "--concurrency", "1");
        var manifest = RunFolder.ReadManifest(Path.Combine(stopped.Folder, RunFolder.ManifestFileName));
        var analysedBefore = server.Requests.Count(r => !ScriptedAnalysisAnswers.IsSynthesis(r));
        sandbox.Experiment.Replace("experiment.md", "max_cost_usd: 0.01", "max_cost_usd: 5");
        var resume = sandbox.NewHarness();
        var exit = await DiscernusCli.InvokeAsync(["run", "--resume", stopped.Folder], resume.Context).WaitAsync(PipelineSandbox.RunLimit);
        var analysedAfter = server.Requests.Count(r => !ScriptedAnalysisAnswers.IsSynthesis(r));
        var resumed = RunFolder.ReadManifest(Path.Combine(stopped.Folder, RunFolder.ManifestFileName));

        Assert.Equal(4, stopped.ExitCode);
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Contains("budget", manifest.Error);
        Assert.Contains("discernus run --resume", stopped.Output);
        Assert.Equal(0, exit);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(2, resumed.Outputs.AnalysisResults.Count);
        // Each of the two documents was asked for exactly once over both executions (how many before the stop depends
        // on timing: a claimed task may finish while the Orchestrator stops the run).
        Assert.Equal(2, analysedAfter);
        Assert.InRange(analysedBefore, 1, 2);
        Assert.Contains("changed since the run started", File.ReadAllText(Path.Combine(stopped.Folder, "logs", "orchestrator.jsonl")));
        Assert.True((await RunVerifier.VerifyAsync(stopped.Folder)).Succeeded);
    }
}
