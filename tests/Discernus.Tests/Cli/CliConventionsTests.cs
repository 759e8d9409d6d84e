using System.Text.Json.Nodes;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Cli;

/// <summary>
/// The conventions every command follows (issue 15): `--format` is what a command prints, `export --to` the files'
/// formats; export writes into the run folder unless told otherwise; `logs` refuses a stage or level the run does not
/// have; tables fit 100 columns.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class CliConventionsTests : IClassFixture<CliConventionsTests.NanoRun>
{
    private readonly NanoRun _run;

    public CliConventionsTests(NanoRun run) => _run = run;

    private string Folder => _run.Run.Folder;

    [Fact]
    public async Task Export_WithoutOutput_WritesIntoTheRunsResultsExports_AndVerifyStillHolds()
    {
        // A copy of the shared run, since this test adds files to it.
        using var sandbox = PipelineSandbox.Of("nano");
        var run = await sandbox.RunAsync();
        var cli = sandbox.NewHarness();
        var workingDirectory = Directory.GetCurrentDirectory();

        var exit = await cli.RunAsync("export", run.Folder, "--to", "json", "--to", "csv", "--format", "json");

        Assert.True(exit == 0, cli.AllText);
        var listing = JsonNode.Parse(cli.Out.ToString())!;
        Assert.Equal(Path.Combine(run.Folder, "results", "exports"), (string?)listing["folder"]);
        Assert.Equal(["json", "csv"], listing["formats"]!.AsArray().Select(f => (string)f!));
        var files = listing["files"]!.AsArray().ToDictionary(f => Path.GetFileName((string)f!["file"]!), f => (string)f!["status"]!);
        Assert.Equal("written", files["scores.json"]);
        Assert.Equal("unchanged", files["scores.csv"]);
        Assert.True(File.Exists(Path.Combine(run.Folder, "results", "exports", "evidence.json")));
        Assert.False(Directory.Exists(Path.Combine(workingDirectory, "exports")));
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Contains(manifest["files"]!.AsArray(), f => (string?)f!["path"] == "results/exports/scores.json" && (string?)f["role"] == "export");
        Assert.Contains("results/exports/scores.json", manifest["outputs"]!["exports"]!.AsArray().Select(e => (string?)e));

        var verify = sandbox.NewHarness();
        Assert.True(await verify.RunAsync("verify", run.Folder) == 0, verify.AllText);
    }

    [Fact]
    public async Task Export_ToSeveralFormats_PrintsJsonOnlyWhenFormatSaysSo()
    {
        var target = Path.Combine(_run.Sandbox.Experiment.Outside("several"), "out");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("export", Folder, "--to", "csv,parquet", "-o", target);

        Assert.True(exit == 0, cli.AllText);
        Assert.StartsWith("Exported run ", cli.Out.ToString());
        foreach (var file in new[] { "scores.csv", "scores.parquet", "evidence.csv", "evidence.parquet", "derived_metrics.csv", "derived_metrics.parquet", "statistics.json" })
        {
            Assert.True(File.Exists(Path.Combine(target, file)), file);
        }

        Assert.False(File.Exists(Path.Combine(target, "scores.json")));
    }

    [Theory]
    [InlineData(new[] { "--format", "csv" }, "--format chooses what the command prints (text or json); write the files as csv with --to csv")]
    [InlineData(new[] { "--format", "parquet" }, "with --to parquet")]
    [InlineData(new[] { "--to", "xlsx" }, "--to must be csv, parquet or json, not 'xlsx'")]
    [InlineData(new[] { "--to", "csv,xml" }, "not 'xml'")]
    public async Task Export_FileFormatsAndOutputFormat_AreNotMixedUp(string[] options, string message)
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync(["export", Folder, .. options]);

        Assert.Equal(2, exit);
        Assert.Contains(message, cli.Error.ToString());
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("analysis")]
    public async Task Logs_AStageTheRunDoesNotHave_IsAUsageError_NamingItsStages(string stage)
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("logs", Folder, "--stage", stage);

        Assert.Equal(2, exit);
        Assert.Contains($"has no stage '{stage}'; its stages are validation, run_setup, batch_analysis, synthesis, report", cli.Error.ToString());
        Assert.Empty(cli.Out.ToString());
    }

    [Theory]
    [InlineData("Batch-Analysis")]
    [InlineData("model_call")]
    public async Task Logs_AStageOfTheRun_InAnySpelling_ListsItsLines(string stage)
    {
        var cli = new CliHarness();

        Assert.Equal(0, await cli.RunAsync("logs", Folder, "--stage", stage, "--format", "json"));

        Assert.NotEmpty(cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Logs_LevelNamesOfOtherTools_AreRead_AndAnUnknownLevelIsAUsageError()
    {
        var verbose = new CliHarness();
        Assert.Equal(0, await verbose.RunAsync("logs", Folder, "--level", "verbose"));
        Assert.Contains(" INFO ", verbose.Out.ToString());
        var fatal = new CliHarness();
        Assert.Equal(0, await fatal.RunAsync("logs", Folder, "--level", "FATAL"));
        Assert.DoesNotContain(" INFO ", fatal.Out.ToString());

        var unknown = new CliHarness();
        Assert.Equal(2, await unknown.RunAsync("logs", Folder, "--level", "loud", "--format", "json"));
        var error = JsonNode.Parse(unknown.Out.ToString())!["error"]!;
        Assert.Equal("usage_error", (string?)error["kind"]);
        Assert.Contains("'loud' is not a log level; use debug, info, warning or error (this run's lines are info)", (string?)error["message"]);
    }

    [Theory]
    [InlineData("costs")]
    [InlineData("status")]
    public async Task Tables_FitOneHundredColumns_OnAWideConsole(string command)
    {
        var cli = new CliHarness();

        Assert.Equal(0, await cli.RunAsync(command, Folder));

        var lines = cli.ConsoleText.Split('\n').Where(l => l.Contains('│') || l.Contains('┌')).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.InRange(l.TrimEnd().Length, 1, 100));
    }

    [Fact]
    public async Task ConfigTable_FitsOneHundredColumns_OnAWideConsole()
    {
        var cli = new CliHarness();

        Assert.Equal(0, await cli.RunAsync("config"));

        var lines = cli.ConsoleText.Split('\n').Where(l => l.Contains('│')).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.InRange(l.TrimEnd().Length, 1, 100));
    }

    /// <summary>One lexicon run of nano the read-only tests share.</summary>
    public sealed class NanoRun : IAsyncLifetime
    {
        internal PipelineSandbox Sandbox { get; private set; } = null!;

        internal PipelineRun Run { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Sandbox = PipelineSandbox.Of("nano");
            Run = await Sandbox.RunAsync();
            Assert.True(Run.ExitCode == 0, Run.Output);
        }

        public Task DisposeAsync()
        {
            Sandbox.Dispose();
            return Task.CompletedTask;
        }
    }
}
