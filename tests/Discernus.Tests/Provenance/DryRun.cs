using Discernus.Tests.Cli;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Provenance;

/// <summary>`discernus run --dry-run` on a temp copy, with the artifact store in the copy's sandbox (never in projects/).</summary>
internal sealed record DryRun(int ExitCode, string? RunFolder, CliHarness Cli)
{
    public static string StoreOf(TempExperiment experiment) => experiment.Outside("artifacts");

    public static async Task<DryRun> StartAsync(TempExperiment experiment, TimeProvider? timeProvider = null)
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_ARTIFACTS_DIR"] = StoreOf(experiment) }, timeProvider);
        var exit = await cli.RunAsync("run", "--dry-run", experiment.Path);
        // The command prints the run folder as the last line of standard output.
        var folder = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return new DryRun(exit, folder, cli);
    }

    public string Folder => RunFolder ?? throw new InvalidOperationException($"no run folder printed:\n{Cli.AllText}");
}
