using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// Each corpus document is read, decoded and hashed once per run: validation, the cost estimate and run setup share
/// one read, and what run setup stores is what validation checked.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class DocumentReadsPerRunTests
{
    [Fact]
    public async Task Run_ReadsEveryDocumentOnce_WithTheOfflineModel()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        using var reads = new DocumentReadCounter(sandbox.ExperimentPath);

        var run = await sandbox.RunAsync("--model", "lexicon");

        Assert.True(run.ExitCode == 0, run.Output);
        AssertReadOnce(reads, sandbox);
    }

    [Fact]
    public async Task Run_ReadsEveryDocumentOnce_WithAHostedModelAndItsCostEstimate()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("The remarks differ in tone.", 3000, 500)
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)), 1000, 200);
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-reads-0123456789",
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
        });
        using var reads = new DocumentReadCounter(sandbox.ExperimentPath);

        var run = await sandbox.RunAsync("--model", "openai/gpt-4o-mini");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("cost about", run.Output);
        AssertReadOnce(reads, sandbox);
    }

    [Fact]
    public async Task DryRun_ReadsEveryDocumentOnce()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        using var reads = new DocumentReadCounter(sandbox.ExperimentPath);

        var cli = sandbox.NewHarness();
        Assert.True(await cli.RunAsync("run", sandbox.ExperimentPath, "--dry-run", "--model", "openai/gpt-4o-mini") == 0, cli.AllText);

        AssertReadOnce(reads, sandbox);
    }

    [Fact]
    public async Task Estimate_ReadsEveryDocumentOnce()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        using var reads = new DocumentReadCounter(sandbox.ExperimentPath);

        var cli = sandbox.NewHarness();
        Assert.True(await cli.RunAsync("estimate", sandbox.ExperimentPath, "--model", "openai/gpt-4o-mini") == 0, cli.AllText);

        Assert.Contains("o200k_base", cli.ConsoleText);
        AssertReadOnce(reads, sandbox);
    }

    [Fact]
    public async Task Run_WithAnUnusableDocument_ReportsItOnce_AndStartsNothing()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var broken = Path.Combine(sandbox.ExperimentPath, "corpus", "mill_road_complaint.txt");
        await File.WriteAllBytesAsync(broken, [0x66, 0x6f, 0xff, 0x6f]);
        using var reads = new DocumentReadCounter(sandbox.ExperimentPath);

        var run = await sandbox.RunAsync("--model", "lexicon");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("not valid UTF-8", run.Output);
        Assert.Contains("mill_road_complaint.txt", run.Output);
        Assert.Null(sandbox.FindRunFolder());
        AssertReadOnce(reads, sandbox);
    }

    private static void AssertReadOnce(DocumentReadCounter reads, PipelineSandbox sandbox)
    {
        var documents = Directory.GetFiles(Path.Combine(sandbox.ExperimentPath, "corpus"), "*.txt");
        Assert.NotEmpty(documents);
        Assert.Equal(documents.Order(StringComparer.Ordinal), reads.Reads.Keys.Order(StringComparer.Ordinal));
        Assert.All(reads.Reads, r => Assert.True(r.Value == 1, $"{Path.GetFileName(r.Key)} was read {r.Value} times"));
    }
}
