using Discernus.Artifacts;
using Discernus.Provenance;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

/// <summary>Behaviour found in review: every one of these once crashed, leaked or misled.</summary>
public sealed class ReviewRegressionTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task UnparseableConcurrency_IsBadUsage_NotACrash(string value)
    {
        var cli = new CliHarness();

        Assert.Equal(2, await cli.RunAsync("run", TestPaths.Project("nano"), "--concurrency", value));
        Assert.Contains("--concurrency must be a whole number", cli.AllText);
    }

    [Fact]
    public async Task DryRun_RejectsAnUnknownModel_WithoutARunFolder()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        Assert.Equal(5, await cli.RunAsync("run", temp.Path, "--dry-run", "--model", "foo/bar"));
        Assert.False(Directory.Exists(temp.File("runs")));
    }

    [Fact]
    public async Task InvalidStallTimeout_IsOneClearError()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?>
        {
            ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts"),
            ["DISCERNUS_STALL_TIMEOUT_SECONDS"] = "abc",
        });

        Assert.Equal(2, await cli.RunAsync("run", temp.Path));
        Assert.Contains("DISCERNUS_STALL_TIMEOUT_SECONDS", cli.Error.ToString());
        Assert.DoesNotContain("   at ", cli.AllText);
    }

    [Fact]
    public async Task UnusableArtifactFolder_NamesTheFolderAndTheVariable()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.WriteAllText(temp.Outside("not-a-folder"), "a file where the store should be");
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("not-a-folder") });

        Assert.Equal(1, await cli.RunAsync("run", temp.Path, "--dry-run"));
        Assert.Contains("DISCERNUS_ARTIFACTS_DIR", cli.Error.ToString());
    }

    [Fact]
    public async Task DocumentHtml_IsEscapedInTheHtmlReport()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var document = temp.File("corpus/library_reading_room_praise.txt");
        File.WriteAllText(document, "This is wonderful <script>alert(\"x\")</script> <img src=x onerror=alert(1)> great.\n" + File.ReadAllText(document));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });

        Assert.Equal(0, await cli.RunAsync("run", temp.Path));

        var html = File.ReadAllText(Directory.GetFiles(temp.File("runs"), "report.html", SearchOption.AllDirectories).Single());
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.Contains("<svg", html);
    }

    [Fact]
    public async Task DamagedStoreObject_IsRewrittenByTheNextPut()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var folder = new FolderArtifactStore(temp.Outside("store"));
        var store = new HashVerifyingArtifactStore(folder);
        var content = "the original bytes"u8.ToArray();
        var hash = await store.PutAsync(content);
        File.AppendAllText(folder.ObjectPath(hash), "damage");
        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.GetAsync(hash));

        await store.PutAsync(content);

        Assert.Equal(content, await store.GetAsync(hash));
    }

    [Fact]
    public async Task Verify_NotesAnUnfinishedRun_AndIgnoresHiddenFiles()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });
        Assert.Equal(0, await cli.RunAsync("run", temp.Path));
        var runFolder = Directory.GetDirectories(temp.File("runs")).Single();
        File.WriteAllText(Path.Combine(runFolder, "results", ".DS_Store"), "finder");
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        File.WriteAllBytes(Path.Combine(runFolder, RunFolder.ManifestFileName), DiscernusJson.Serialize(manifest with { Status = RunStatus.Running }));

        var verify = new CliHarness();
        Assert.Equal(0, await verify.RunAsync("verify", runFolder));

        // The run's Orchestrator was this test process, which is alive: the run counts as in progress.
        Assert.Contains("still in progress", verify.AllText);
    }

    [Fact]
    public async Task Verify_SaysAnInterruptedRunWasInterrupted_AndHowToResumeIt_InsteadOfListingItsResults()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = temp.Outside("artifacts") });
        Assert.Equal(0, await cli.RunAsync("run", temp.Path));
        var runFolder = Directory.GetDirectories(temp.File("runs")).Single();
        var manifest = RunFolder.ReadManifest(Path.Combine(runFolder, RunFolder.ManifestFileName));
        var gone = manifest.Executions.Single() with { ProcessId = int.MaxValue - 7 };

        // As a kill -9 leaves it: running, its process gone, results written but not yet listed.
        File.WriteAllBytes(Path.Combine(runFolder, RunFolder.ManifestFileName), DiscernusJson.Serialize(manifest with
        {
            Status = RunStatus.Running,
            Executions = [gone],
            Files = manifest.Files.Where(f => !f.Path.StartsWith("results/", StringComparison.Ordinal)).ToList(),
        }));

        var verify = new CliHarness();
        Assert.Equal(0, await verify.RunAsync("verify", runFolder));
        Assert.Contains("interrupted", verify.AllText);
        Assert.Contains($"discernus run --resume {runFolder}", verify.AllText);
        Assert.DoesNotContain("not listed in the manifest", verify.AllText);
        var status = new CliHarness();
        Assert.Equal(0, await status.RunAsync("status", runFolder));
        Assert.Contains("interrupted", status.AllText);
    }
}
