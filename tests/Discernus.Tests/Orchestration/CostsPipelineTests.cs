using System.Text.Json.Nodes;
using Discernus.Tests.Cli;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus costs` on real run folders: the actual cost broken down by stage, model and agent adds up to the manifest's
/// cost and to the price table applied to the provider's token counts; a re-run served from the cache costs nothing;
/// `discernus estimate` and `run --dry-run` print an unknown price as unknown.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class CostsPipelineTests
{
    private const string Model = "openai/gpt-4o-mini";

    [Fact]
    public async Task Costs_BreakTheActualCostDownByStageModelAndAgent()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("The remarks differ in tone.", 3000, 500)
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)), 1000, 200);
        var artifacts = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"), "artifacts");
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-costs-0123456789",
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
        };
        using var sandbox = PipelineSandbox.Of("nano", environment, artifacts);
        var run = await sandbox.RunAsync("--model", Model);
        Assert.True(run.ExitCode == 0, run.Output);

        var cli = new CliHarness(environment);
        Assert.Equal(0, await cli.RunAsync("costs", run.Folder, "--format", "json"));
        var costs = JsonNode.Parse(cli.Out.ToString())!.AsObject();

        // gpt-4o-mini: $0.15 per million prompt tokens, $0.60 per million completion tokens.
        var analysis = 2 * ((1000 * 0.15m) + (200 * 0.60m)) / 1_000_000m;
        var synthesis = ((3000 * 0.15m) + (500 * 0.60m)) / 1_000_000m;
        var byStage = costs["by_stage"]!.AsArray().ToDictionary(r => (string)r!["name"]!, r => r!);
        Assert.Equal(analysis, byStage["batch_analysis"]["usd"]!.GetValue<decimal>());
        Assert.Equal(2, byStage["batch_analysis"]["requests"]!.GetValue<long>());
        Assert.Equal(synthesis, byStage["synthesis"]["usd"]!.GetValue<decimal>());
        var byAgent = costs["by_agent"]!.AsArray().Select(r => (string)r!["name"]!).ToList();
        Assert.Equal(["AnalyseDocumentAgent", "SynthesisAgent"], byAgent);
        var model = Assert.Single(costs["by_model"]!.AsArray());
        Assert.Equal(Model, (string?)model!["name"]);
        var total = costs["total"]!["usd"]!.GetValue<decimal>();
        Assert.Equal(analysis + synthesis, total);
        Assert.Equal(RunFolderChecks.Manifest(run.Folder)["cost"]!["actual_usd"]!.GetValue<decimal>(), total);
        Assert.Equal(analysis, costs["analysis_results"]!["usd_recorded"]!.GetValue<decimal>());

        var text = new CliHarness(environment);
        Assert.Equal(0, await text.RunAsync("costs", run.Folder));
        Assert.Contains("batch_analysis", text.ConsoleText);
        Assert.Contains("$0.0013", text.ConsoleText);

        // A re-run answered from the cache: no request, no cost.
        using var again = PipelineSandbox.Of("nano", environment, artifacts);
        var rerun = await again.RunAsync("--model", Model);
        var cached = new CliHarness(environment);
        Assert.Equal(0, await cached.RunAsync("costs", rerun.Folder, "--format", "json"));
        var rerunTotal = JsonNode.Parse(cached.Out.ToString())!["total"]!;
        Assert.Equal(0, rerunTotal["requests"]!.GetValue<long>());
        Assert.Equal(3, rerunTotal["cache_hits"]!.GetValue<long>());
        Assert.Equal(0m, rerunTotal["usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Costs_OfAFolderThatIsNotARun_SaysSo()
    {
        var cli = new CliHarness();

        Assert.Equal(3, await cli.RunAsync("costs", Path.Combine(Path.GetTempPath(), "no-such-run-" + Guid.NewGuid().ToString("N"))));
        Assert.Contains("manifest.json does not exist", cli.Error.ToString());
    }

    [Fact]
    public async Task EstimateAndDryRun_PrintAnUnknownPriceAsUnknown_NeverAsZero()
    {
        using var sandbox = PipelineSandbox.Of("nano");

        var estimate = sandbox.NewHarness();
        Assert.Equal(0, await estimate.RunAsync("estimate", sandbox.ExperimentPath, "--model", "openai-compatible/my-model"));
        Assert.Contains("2 document(s)", estimate.ConsoleText);
        Assert.Contains("3 model call(s)", estimate.ConsoleText);
        Assert.Contains("unknown", estimate.ConsoleText);
        Assert.DoesNotContain("$0.0000", estimate.ConsoleText);

        var priced = sandbox.NewHarness();
        Assert.Equal(0, await priced.RunAsync("estimate", sandbox.ExperimentPath, "--model", "openai/gpt-4o-mini"));
        Assert.Contains("o200k_base", priced.ConsoleText);
        Assert.Matches(@"cost about \$0\.\d{4}", priced.ConsoleText);

        var dryRun = sandbox.NewHarness();
        Assert.Equal(0, await dryRun.RunAsync("run", sandbox.ExperimentPath, "--dry-run", "--model", "openai-compatible/my-model"));
        Assert.Contains("3 model call(s)", dryRun.ConsoleText);
        Assert.Contains("cost unknown", dryRun.ConsoleText);
    }
}
