namespace Discernus.Tests.Orchestration;

/// <summary>
/// Issue 3, "what it must show": `discernus run` with the offline lexicon model on embedded Garnet, on every example
/// experiment (each on a temp copy), produces a complete, verifiable run folder. One run per experiment, shared by the
/// tests below (<see cref="ExampleRunsFixture"/>); each test checks one property.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ExampleExperimentPipelineTests(ExampleRunsFixture runs) : IClassFixture<ExampleRunsFixture>
{
    /// <summary>The example projects; each folder name is also its experiment name.</summary>
    public static TheoryData<string> Examples => new() { "nano", "political_rhetoric", "institutional_communications", "academic_discourse" };

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Run_ExitsZero(string project)
    {
        var run = await runs.RunOfAsync(project);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        Assert.Equal("completed", (string?)RunFolderChecks.Manifest(run.Folder)["status"]);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Run_WritesExactlyOneResultPerDocument_NamedByItsHash(string project)
    {
        var run = await runs.RunOfAsync(project);

        RunFolderChecks.AssertOneResultPerDocument(run.Folder, run.ExperimentPath);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Results_FollowSpecSection5(string project)
    {
        var run = await runs.RunOfAsync(project);

        RunFolderChecks.AssertResultsFollowSpec(run.Folder, run.ExperimentPath, "lexicon");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task VerifiedEvidenceQuotes_OccurInTheirDocuments(string project)
    {
        var run = await runs.RunOfAsync(project);

        var verified = RunFolderChecks.AssertVerifiedQuotesOccurInDocuments(run.Folder, run.ExperimentPath);

        Assert.True(verified > 0, "the lexicon found no evidence at all, so nothing was checked");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Verify_ExitsZero_OnTheRunFolder(string project)
    {
        var run = await runs.RunOfAsync(project);

        var (exit, output) = await RunFolderChecks.VerifyAsync(run.Folder);

        Assert.True(exit == 0, $"verify exited {exit}\n{output}");
        Assert.Contains("files match the manifest", output);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Report_HasTheRequiredSections(string project)
    {
        var run = await runs.RunOfAsync(project);

        RunFolderChecks.AssertReportSections(run.Folder, project);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ReportFindings_EqualStatisticsJson_ToThreeDecimals(string project)
    {
        var run = await runs.RunOfAsync(project);

        var rows = RunFolderChecks.AssertFindingsMatchStatistics(run.Folder);

        Assert.True(rows >= 2, $"only {rows} table row(s) compared");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Manifest_RecordsEveryStageAsCompleted(string project)
    {
        var run = await runs.RunOfAsync(project);

        RunFolderChecks.AssertStagesCompleted(run.Folder);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Manifest_RecordsStartFinishAndDurationOfEveryStage(string project)
    {
        var run = await runs.RunOfAsync(project);

        RunFolderChecks.AssertStageTimings(run.Folder);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task LogLines_AllHaveTheStandardFields(string project)
    {
        var run = await runs.RunOfAsync(project);

        var lines = RunFolderChecks.AssertLogLinesHaveStandardFields(run.Folder);

        Assert.True(lines > 0);
        Assert.True(File.Exists(Path.Combine(run.Folder, "logs", "llm_interactions.jsonl")), "logs/llm_interactions.jsonl is missing");
    }
}
