using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

/// <summary>What `discernus run` refuses before it sets anything up.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task HostedModelWithoutKey_StopsBeforeAnyRunFolder_NamingTheVariable()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, "--model", "openai/gpt-4o-mini");

        Assert.Equal(5, exit);
        Assert.Contains("OPENAI_API_KEY", cli.AllText);
        Assert.False(Directory.Exists(temp.File("runs")));
    }

    [Fact]
    public async Task UnknownProvider_IsRejectedWithTheValidForms()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, "--model", "acme/model-9");

        Assert.Equal(5, exit);
        Assert.Contains("openai-compatible/", cli.AllText);
        Assert.False(Directory.Exists(temp.File("runs")));
    }

    [Fact]
    public async Task EstimatedCostOverBudget_RefusesToStart()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("political_rhetoric"));
        temp.Replace("experiment.md", "grouping:", "budget: {max_cost_usd: 0.0001}\ngrouping:");
        var cli = new CliHarness(new Dictionary<string, string?>
        {
            ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts"),
            ["OPENAI_API_KEY"] = "sk-never-used",
            // Nothing listens here: the run must stop before any call.
            ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1",
        });

        var exit = await cli.RunAsync("run", temp.Path, "--model", "openai/gpt-4o");

        Assert.Equal(5, exit);
        Assert.Contains("exceeds budget.max_cost_usd", cli.AllText);
        Assert.DoesNotContain("sk-never-used", cli.AllText);
        Assert.False(Directory.Exists(temp.File("runs")));
    }

    [Fact]
    public async Task ConcurrencyOutOfRange_IsBadUsage()
    {
        var cli = new CliHarness();

        Assert.Equal(2, await cli.RunAsync("run", TestPaths.Project("nano"), "--concurrency", "0"));
        Assert.Contains("--concurrency", cli.AllText);
    }

    [Fact]
    public async Task Worker_WithoutExternalRedis_IsBadUsageWithTheFix()
    {
        var cli = new CliHarness();

        Assert.Equal(2, await cli.RunAsync("worker"));
        Assert.Contains("DISCERNUS_REDIS_URL", cli.AllText);
    }

    [Fact]
    public async Task UnreachableRedis_EndsWithOneParagraph_WithoutThePassword()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?>
        {
            ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts"),
            ["DISCERNUS_REDIS_URL"] = "redis://:hunter2@127.0.0.1:1",
        });

        var exit = await cli.RunAsync("run", temp.Path);

        Assert.Equal(1, exit);
        Assert.Contains("cannot reach Redis", cli.Error.ToString());
        Assert.DoesNotContain("hunter2", cli.AllText);
        Assert.DoesNotContain("   at ", cli.AllText);
    }

    [Theory]
    [InlineData("--runs", "0", "--runs must be a whole number from 1 to 100")]
    [InlineData("--runs", "101", "--runs must be a whole number from 1 to 100")]
    public async Task RunsOutOfRange_IsAUsageError(string flag, string value, string message)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, flag, value, "--dry-run");

        Assert.Equal(2, exit);
        Assert.Contains(message, cli.AllText);
    }

    [Fact]
    public async Task ModelAndModels_Together_IsAUsageError()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, "--model", "lexicon", "--models", "lexicon", "--dry-run");

        Assert.Equal(2, exit);
        Assert.Contains("either --model or --models", cli.AllText);
    }

    [Fact]
    public async Task DryRun_RecordsRunsAndModelsFromTheFlags_InTheManifest()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, "--models", "lexicon", "--runs", "3", "--dry-run");

        Assert.Equal(0, exit);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Directory.GetFiles(temp.File("runs"), "manifest.json", SearchOption.AllDirectories).Single()))!;
        Assert.Equal(3, manifest["models"]!["runs_per_model"]!.GetValue<int>());
        Assert.Equal("flag", (string?)manifest["models"]!["source"]);
    }
}
