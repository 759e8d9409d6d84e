namespace Discernus.Tests.Orchestration;

/// <summary>
/// Ctrl+C during a run of political_rhetoric against a slow OpenAI-compatible server (1 s per answer): the CLI's
/// token is cancelled as soon as the first analysis result is written. One such run, shared by the tests below.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class CancellationTests(CancelledRunFixture run) : IClassFixture<CancelledRunFixture>
{
    [Fact]
    public void CancelledRun_ExitsWith130_AndTheManifestSaysCancelled()
    {
        Assert.True(run.ExitCode == 130, $"exit {run.ExitCode}, expected 130\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.True((string?)manifest["status"] == "cancelled", $"manifest status {manifest["status"]}, error {manifest["error"]}\n{run.Output}");
        var stages = manifest["stages"]!.AsArray().ToDictionary(s => (string)s!["name"]!, s => (string?)s!["status"]);
        Assert.Equal("cancelled", stages["batch_analysis"]);
        Assert.Equal("skipped", stages["report"]);
        // Cancelled part-way: some documents were analysed, not all.
        Assert.InRange(RunFolderChecks.AnalysisResults(run.Folder).Count, 1, run.Documents - 1);
    }

    [Fact]
    public void CancelledRun_LeavesNoTemporaryFiles()
    {
        var leftovers = Directory.EnumerateFiles(run.Folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).Contains(".tmp-", StringComparison.Ordinal))
            .ToList();

        Assert.True(Directory.EnumerateFiles(run.Folder, "*", SearchOption.AllDirectories).Any(), "the run folder is empty");
        Assert.True(leftovers.Count == 0, "temporary files left in the run folder:\n" + string.Join("\n", leftovers));
    }

    [Fact]
    public async Task CancelledRunFolder_StillVerifies()
    {
        var (exit, output) = await RunFolderChecks.VerifyAsync(run.Folder);

        Assert.True(exit == 0, $"verify exited {exit} on the cancelled run\n{output}");
    }
}
