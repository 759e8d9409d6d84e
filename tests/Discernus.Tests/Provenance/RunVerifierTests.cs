using Discernus.Provenance;
using Discernus.Tests.Cli;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Provenance;

/// <summary>`discernus verify` on run folders made by a dry run, then tampered with.</summary>
public sealed class RunVerifierTests
{
    private static async Task<(int Exit, CliHarness Cli)> VerifyAsync(string folder)
    {
        var cli = new CliHarness();
        return (await cli.RunAsync("verify", folder), cli);
    }

    [Theory]
    [InlineData("nano")]
    [InlineData("academic_discourse")]
    public async Task Verify_AcceptsAFreshRunFolder(string project)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project(project));
        var run = await DryRun.StartAsync(temp);

        var (exit, cli) = await VerifyAsync(run.Folder);

        Assert.True(exit == 0, cli.AllText);
        var manifest = RunFolder.ReadManifest(Path.Combine(run.Folder, "manifest.json"));
        Assert.Contains($"all {manifest.Files.Count} files match the manifest", cli.ConsoleText);
    }

    [Fact]
    public async Task Verify_AcceptsARunFolderCopiedElsewhere()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var run = await DryRun.StartAsync(temp);
        var copy = temp.Outside("copied-run");
        CopyTree(run.Folder, copy);

        var (exit, cli) = await VerifyAsync(copy);

        Assert.True(exit == 0, cli.AllText);
    }

    [Fact]
    public async Task Verify_Fails_NamingTheAsset_WhenOneByteChanges()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var run = await DryRun.StartAsync(temp);
        var asset = RunFolder.ReadManifest(Path.Combine(run.Folder, "manifest.json")).Documents[0].Asset;
        var path = Path.Combine(run.Folder, asset);
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var (exit, cli) = await VerifyAsync(run.Folder);

        Assert.Equal(5, exit);
        Assert.Contains($"{asset}: content changed", cli.ConsoleText);
        Assert.Contains("1 problem(s)", cli.ConsoleText);
    }

    [Fact]
    public async Task Verify_Fails_NamingTheAsset_WhenItIsDeleted()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var run = await DryRun.StartAsync(temp);
        var asset = RunFolder.ReadManifest(Path.Combine(run.Folder, "manifest.json")).Framework!.Asset;
        File.Delete(Path.Combine(run.Folder, asset));

        var (exit, cli) = await VerifyAsync(run.Folder);

        Assert.Equal(5, exit);
        Assert.Contains($"{asset}: missing", cli.ConsoleText);
    }

    [Fact]
    public async Task Verify_Fails_WhenAnUnlistedFileSitsAmongTheAssets()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var run = await DryRun.StartAsync(temp);
        File.WriteAllText(Path.Combine(run.Folder, "assets", "smuggled.txt"), "not from this run\n");

        var result = await RunVerifier.VerifyAsync(run.Folder);

        Assert.False(result.Succeeded);
        Assert.Contains("assets/smuggled.txt: not listed in the manifest", result.Problems);
    }

    [Fact]
    public async Task Verify_ExitsThree_ForAFolderThatDoesNotExist()
    {
        var (exit, cli) = await VerifyAsync(Path.Combine(Path.GetTempPath(), "discernus-tests", "no-such-run"));

        Assert.Equal(3, exit);
        Assert.Contains("does not exist", cli.Error.ToString());
    }

    [Fact]
    public async Task Verify_Fails_ForAFolderWithoutManifest()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));

        var result = await RunVerifier.VerifyAsync(temp.Path);

        Assert.False(result.Succeeded);
        Assert.Contains("not a run folder", Assert.Single(result.Problems));
    }

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
