using System.Diagnostics;
using Discernus.Orchestration;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

/// <summary>The `--isolation` option of `run` and `worker`, and the hidden `agent` command their children run.</summary>
public sealed class IsolationCommandTests
{
    [Fact]
    public async Task UnknownIsolation_IsBadUsage_NamingTheChoices()
    {
        var cli = new CliHarness();

        Assert.Equal(2, await cli.RunAsync("run", TestPaths.Project("nano"), "--isolation", "thread"));
        Assert.Contains("--isolation must be none or process, not 'thread'", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsolationWithoutLocalWorkers_IsBadUsage_PointingAtTheWorkerCommand()
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_REDIS_URL"] = "redis://127.0.0.1:1" });

        Assert.Equal(2, await cli.RunAsync("run", TestPaths.Project("nano"), "--no-local-workers", "--isolation", "process"));
        Assert.Contains("discernus worker --isolation process", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadAgentTimeout_StopsTheWorkerBeforeItStarts_NamingTheVariable()
    {
        var cli = new CliHarness(new Dictionary<string, string?>
        {
            ["DISCERNUS_REDIS_URL"] = "redis://127.0.0.1:1",
            [AgentIsolationOptions.TimeoutVariable] = "ten minutes",
        });

        Assert.Equal(2, await cli.RunAsync("worker", "--isolation", "process"));
        Assert.Contains("DISCERNUS_AGENT_TIMEOUT_SECONDS='ten minutes' (from given) is not usable: expected a whole number from 1 to 86400", cli.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach Redis", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCommand_IsNotListedInTheHelp()
    {
        var cli = new CliHarness();

        Assert.Equal(0, await cli.RunAsync("--help"));
        Assert.Contains("worker", cli.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("agent <task_type>", cli.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("Run one agent task", cli.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentCommand_RunByHandWithoutATask_ExplainsWhatStartsIt()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "discernus.dll"), "agent", "analyse_document", "run:analyse_document:0" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("started by `discernus worker --isolation process`, not by hand", await error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }
}
