using System.Text.RegularExpressions;

namespace Discernus.Tests.Orchestration;

/// <summary>The report says "tie" for a tie and "no signal" for a dimension no marker ever matches; it never ranks them.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed partial class HonestSummaryPipelineTests
{
    [GeneratedRegex(@"      positive_examples:\n(        - .*\n)+")]
    private static partial Regex PositiveMarkers();

    [GeneratedRegex(@"      negative_examples:\n(        - .*\n)+")]
    private static partial Regex NegativeMarkers();

    [Fact]
    public async Task MarkersThatNeverMatch_AreNoSignal_NotTheLeastPresentDimension()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var framework = sandbox.Experiment.File("framework.md");
        // Markers in another language: nothing in the English remarks matches them.
        File.WriteAllText(framework, PositiveMarkers().Replace(File.ReadAllText(framework), "      positive_examples:\n        - \"magnifique\"\n        - \"épouvantable\"\n"));

        var run = await sandbox.RunAsync();

        // The run measured nothing, so it does not end as a success (see ARunWithoutAnySignal_...); its report still says why.
        Assert.True(run.ExitCode == Discernus.Cli.ExitCodes.CompletedWithFailures, run.Output);
        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        Assert.Contains("⚠ **No signal.**", report);
        var summary = RunFolderChecks.Section(report, "## Executive Summary");
        Assert.DoesNotContain("Most present", summary);
        Assert.DoesNotContain("least present", summary);
        Assert.Contains("no marker phrase of this dimension occurs in the corpus — use a language model or add markers", summary);
        Assert.Contains("*No signal: no marker phrase", RunFolderChecks.Section(report, "## Detailed Findings"));
        var interpretation = RunFolderChecks.Section(report, "## Interpretation");
        Assert.DoesNotContain("highest-ranking", interpretation);
        Assert.Contains("have no signal here", interpretation);
    }

    [Fact]
    public async Task ARunWithoutAnySignal_EndsCompletedWithFailures_WithTheReason_InTheOutcomeAndTheManifest()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var framework = sandbox.Experiment.File("framework.md");
        // Neither dimension can match anything: every analysis answers, every score is 0.
        var text = PositiveMarkers().Replace(File.ReadAllText(framework), "      positive_examples:\n        - \"zzqxv\"\n");
        File.WriteAllText(framework, NegativeMarkers().Replace(text, "      negative_examples:\n        - \"qqzxw\"\n"));

        var run = await sandbox.RunAsync();

        Assert.True(run.ExitCode == Discernus.Cli.ExitCodes.CompletedWithFailures, $"exit {run.ExitCode}\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("completed_with_failures", (string?)manifest["status"]);
        Assert.Empty(manifest["failures"]!.AsArray());
        var error = (string?)manifest["error"];
        Assert.NotNull(error);
        Assert.StartsWith("no dimension produced any signal", error);
        Assert.Contains("no marker phrase of this dimension occurs in the corpus", error);
        Assert.Contains("no dimension produced any signal", run.Output);
        // Every stage ran; the report exists and says the same.
        Assert.All(manifest["stages"]!.AsArray(), s => Assert.Equal("completed", (string?)s!["status"]));
        Assert.Contains("⚠ **No signal.**", RunFolderChecks.ReportMarkdown(run.Folder));
        var (verifyExit, verifyOutput) = await RunFolderChecks.VerifyAsync(run.Folder);
        Assert.True(verifyExit == 0, verifyOutput);
    }

    [Fact]
    public async Task EqualMeans_AreReportedAsATie()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        var framework = sandbox.Experiment.File("framework.md");
        // The same single marker for both dimensions: both score the same in every document.
        var text = PositiveMarkers().Replace(File.ReadAllText(framework), "      positive_examples:\n        - \"resident\"\n");
        File.WriteAllText(framework, NegativeMarkers().Replace(text, "      negative_examples:\n        - \"zzzz\"\n"));

        var run = await sandbox.RunAsync();

        Assert.True(run.ExitCode == 0, run.Output);
        var summary = RunFolderChecks.Section(RunFolderChecks.ReportMarkdown(run.Folder), "## Executive Summary");
        Assert.Contains("**Ranking:** a tie: positive_sentiment, negative_sentiment all have mean score", summary);
        Assert.DoesNotContain("Most present", summary);
        Assert.Contains("No dimension ranks above another", RunFolderChecks.Section(RunFolderChecks.ReportMarkdown(run.Folder), "## Interpretation"));
    }
}
