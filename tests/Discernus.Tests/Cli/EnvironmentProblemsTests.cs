using Discernus.Cli;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

/// <summary>Problems of the machine, not the experiment, said as they are: a runs folder that cannot be written, a log folder that cannot be.</summary>
public sealed class EnvironmentProblemsTests
{
    [Fact]
    public async Task RunsFolderThatCannotBeWritten_IsAnEnvironmentError_BeforeAnyRun()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        // Root ignores a read-only mode, so the folder is made impossible another way: a file stands where it goes.
        File.WriteAllText(temp.File("runs"), "not a folder");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("run", temp.Path);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains($"the runs folder {temp.File("runs")} cannot be written", cli.Error.ToString());
        Assert.DoesNotContain("did not get past validation", cli.AllText);
    }

    [Fact]
    public void LogFolderThatCannotBeWritten_IsSaid_NotDroppedSilently()
    {
        // /sys exists and refuses new files even to root.
        var cli = new CliHarness(new Dictionary<string, string?> { [CliLogging.DirectoryVariable] = "/sys" });

        using var logging = CliLogging.Start(cli.Context, "run");

        Assert.Null(logging.FilePath);
        Assert.Contains("warning: cannot write logs to /sys", cli.Error.ToString());
        Assert.Contains("DISCERNUS_LOG_DIR", cli.Error.ToString());
    }
}
