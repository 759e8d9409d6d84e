using System.Text.Json.Nodes;
using Discernus.Tests.Experiments;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Cli;

/// <summary>`discernus run --format json`: one JSON object on standard output, for a finished run and for an invalid experiment.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class RunJsonOutputTests
{
    [Fact]
    public async Task ACompletedRun_PrintsOnlyTheJsonSummary_OnStandardOutput()
    {
        using var sandbox = PipelineSandbox.Of("nano");

        var run = await sandbox.RunAsync("--format", "json");

        Assert.True(run.ExitCode == 0, run.Output);
        var summary = JsonNode.Parse(run.Cli.Out.ToString())!;
        Assert.Equal("completed", (string?)summary["status"]);
        Assert.Equal(0, summary["exit_code"]!.GetValue<int>());
        Assert.Equal(run.Folder, (string?)summary["run_folder"]);
        Assert.True(File.Exists((string)summary["report_html"]!));
        Assert.Contains(summary["exports"]!.AsArray(), e => ((string)e!).EndsWith("evidence.parquet", StringComparison.Ordinal));
        Assert.Contains("Discernus run", run.Cli.Error.ToString());
    }

    [Fact]
    public async Task AnInvalidExperiment_PrintsAJsonError_WithTheFindings()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "  framework: framework.md\n", "  framework: missing.md\n");
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        var exit = await cli.RunAsync("run", temp.Path, "--format", "json");

        Assert.Equal(3, exit);
        var error = JsonNode.Parse(cli.Out.ToString())!["error"]!;
        Assert.Equal(3, error["exit_code"]!.GetValue<int>());
        Assert.Equal("components.framework", (string?)error["findings"]![0]!["field"]);
    }
}
