using Discernus.Cli;
using Discernus.Tests.Cli;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A private copy of an example experiment plus its own artifact store folder, and a way to run the real
/// <c>discernus run</c> command on it in-process. Nothing is ever written into <c>projects/</c>.
/// </summary>
internal sealed class PipelineSandbox : IDisposable
{
    /// <summary>A run that hangs fails the test instead of hanging the suite.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private PipelineSandbox(TempExperiment experiment, string artifactsDirectory, Dictionary<string, string?> environment)
    {
        Experiment = experiment;
        ArtifactsDirectory = artifactsDirectory;
        Environment = environment;
    }

    public TempExperiment Experiment { get; }

    public string ExperimentPath => Experiment.Path;

    public string ArtifactsDirectory { get; }

    /// <summary>The CLI's whole environment: DISCERNUS_ARTIFACTS_DIR plus what the test adds; no process variables, no .env.</summary>
    public Dictionary<string, string?> Environment { get; }

    /// <param name="artifactsDirectory">A shared store for runs that must see each other's artifacts; a private one by default.</param>
    public static PipelineSandbox Of(string project, IReadOnlyDictionary<string, string?>? environment = null, string? artifactsDirectory = null)
    {
        var experiment = TempExperiment.CopyOf(TestPaths.Project(project));
        var artifacts = artifactsDirectory ?? experiment.Outside("artifacts");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal) { ["DISCERNUS_ARTIFACTS_DIR"] = artifacts };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return new PipelineSandbox(experiment, artifacts, values);
    }

    public CliHarness NewHarness() => new(Environment);

    /// <summary>Runs <c>discernus run &lt;copy&gt; [args]</c> to its end (bounded by <see cref="RunLimit"/>).</summary>
    public async Task<PipelineRun> RunAsync(params string[] extraArguments)
    {
        var cli = NewHarness();
        var exit = await DiscernusCli.InvokeAsync(["run", ExperimentPath, .. extraArguments], cli.Context).WaitAsync(RunLimit);
        return new PipelineRun(exit, ExperimentPath, FindRunFolder(), cli);
    }

    /// <summary>The one run folder under <c>runs/</c>, or null when none was created.</summary>
    public string? FindRunFolder()
    {
        var runs = Path.Combine(ExperimentPath, "runs");
        if (!Directory.Exists(runs))
        {
            return null;
        }

        var folders = Directory.GetDirectories(runs);
        Assert.True(folders.Length <= 1, $"expected at most one run folder under {runs}, found {folders.Length}");
        return folders.SingleOrDefault();
    }

    public void Dispose() => Experiment.Dispose();
}
