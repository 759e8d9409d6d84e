using System.Text;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

/// <summary>Inputs that once crashed, hung or gave "unexpected …" from the command line: now usage errors or findings.</summary>
public sealed class InputLimitsCliTests
{
    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    [InlineData("list")]
    public async Task PathArgumentWithANul_IsAUsageError(string command)
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync(command, "projects/na\0no");

        Assert.True(exit == 2, cli.AllText);
        Assert.Contains("'projects/na\\0no' contains a character no file system allows", cli.Error.ToString());
        Assert.Contains("discernus --help", cli.Error.ToString());
        Assert.DoesNotContain("unexpected", cli.AllText);
    }

    [Fact]
    public async Task List_ShowsAnExperimentWithDeeplyNestedYamlAsInvalid_InsteadOfCrashing()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var deep = new StringBuilder().Insert(0, "{a: ", 20_000).Append('1').Append('}', 20_000);
        temp.Replace("experiment.md", "grouping:\n", $"deep: {deep}\ngrouping:\n");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("list", temp.Sandbox);

        Assert.True(exit == 0, cli.AllText);
        Assert.Contains("invalid (1)", cli.ConsoleText);
    }

    [Fact]
    public async Task Validate_FifoAsCorpusManifest_ExitsFive_WithTheFinding()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        UnixFiles.MakeFifo(temp.File("corpus.md"));
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", temp.Path).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 5, cli.AllText);
        Assert.Contains("'corpus.md' is a named pipe (FIFO)", cli.ConsoleText);
    }
}
