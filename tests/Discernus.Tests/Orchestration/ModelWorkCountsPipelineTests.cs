using System.Net;
using System.Text.Json.Nodes;
using Discernus.Provenance;
using Discernus.Tests.Cli;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Web;
using Discernus.Web;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// One count of model work (issue 15): `estimate`, the run summary, `costs`, the report and `serve` give the same
/// provider requests, offline analyses and cache hits for the same run, counted from one record per call; the offline
/// models make no provider request and send no token.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ModelWorkCountsPipelineTests
{
    [Theory]
    [InlineData("lexicon")]
    [InlineData("minilm")]
    public async Task OfflineModels_CountOfflineAnalyses_AndNoProviderRequest_Everywhere(string model)
    {
        // nano: 2 documents + 1 synthesis, all computed on this machine.
        await AssertCountsAgreeAsync(model, new Dictionary<string, string?>(), providerRequests: 0, offlineAnalyses: 3);
    }

    [Fact]
    public async Task AScriptedProvider_CountsProviderRequests_AndNoOfflineAnalysis_Everywhere()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("The remarks differ in tone.", 3000, 500)
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)), 1000, 200);
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-counts-0123456789",
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
        };

        var (prompt, completion) = await AssertCountsAgreeAsync("openai/gpt-4o-mini", environment, providerRequests: 3, offlineAnalyses: 0);

        Assert.Equal((2 * 1000) + 3000, prompt);
        Assert.Equal((2 * 200) + 500, completion);
    }

    /// <summary>Runs nano with the model and checks every front end; returns the tokens the manifest says were sent.</summary>
    private static async Task<(long Prompt, long Completion)> AssertCountsAgreeAsync(
        string model, Dictionary<string, string?> environment, long providerRequests, long offlineAnalyses)
    {
        using var sandbox = PipelineSandbox.Of("nano", environment);
        var work = ModelWork.Describe(providerRequests, offlineAnalyses, 0);

        var estimate = sandbox.NewHarness();
        Assert.Equal(0, await estimate.RunAsync("estimate", sandbox.ExperimentPath, "--model", model));
        Assert.Contains($"= 3 model call(s) (2 analyses + 1 synthesis): {ModelWork.Requests(providerRequests, offlineAnalyses)}", estimate.ConsoleText);

        var run = await sandbox.RunAsync("--model", model);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"; {work}, 0 retries, 0 failed request(s).", run.Cli.ConsoleText);

        var manifest = RunFolderChecks.Manifest(run.Folder)["cost"]!;
        Assert.Equal(providerRequests, manifest["provider_requests"]!.GetValue<long>());
        Assert.Equal(offlineAnalyses, manifest["offline_analyses"]!.GetValue<long>());
        Assert.Equal(0, manifest["cache_hits"]!.GetValue<long>());

        var costs = sandbox.NewHarness();
        Assert.Equal(0, await costs.RunAsync("costs", run.Folder, "--format", "json"));
        var total = JsonNode.Parse(costs.Out.ToString())!["total"]!;
        Assert.Equal(providerRequests, total["requests"]!.GetValue<long>());
        Assert.Equal(offlineAnalyses, total["offline_analyses"]!.GetValue<long>());
        Assert.Equal(0, total["cache_hits"]!.GetValue<long>());
        Assert.Equal(manifest["prompt_tokens"]!.GetValue<long>(), total["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(manifest["completion_tokens"]!.GetValue<long>(), total["completion_tokens"]!.GetValue<long>());
        var costsText = sandbox.NewHarness();
        Assert.Equal(0, await costsText.RunAsync("costs", run.Folder));
        Assert.Contains($"; {work}.", costsText.ConsoleText);

        var report = File.ReadAllText(Path.Combine(run.Folder, "results", "reports", "report.md"));
        Assert.Contains($"; {work}; {manifest["prompt_tokens"]} prompt and {manifest["completion_tokens"]} completion tokens sent to providers.", report);

        await using var serve = new ServeFactory(ServeOptions.For(Path.GetDirectoryName(sandbox.ExperimentPath)!, null, 0, sandbox.Environment));
        var page = WebUtility.HtmlDecode(await serve.Client().GetStringAsync($"/e/{Path.GetFileName(sandbox.ExperimentPath)}/r/{Path.GetFileName(run.Folder)}"));
        Assert.Contains($"{work}, 0 retries, 0 failed request(s)", page);

        if (offlineAnalyses > 0)
        {
            Assert.Equal(0, manifest["prompt_tokens"]!.GetValue<long>());
            Assert.Equal(0, manifest["completion_tokens"]!.GetValue<long>());
        }

        return (manifest["prompt_tokens"]!.GetValue<long>(), manifest["completion_tokens"]!.GetValue<long>());
    }
}
