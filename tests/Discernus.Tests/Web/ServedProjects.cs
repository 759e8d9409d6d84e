using Discernus.Tests.Experiments;
using Discernus.Tests.Orchestration;
using Discernus.Web;

namespace Discernus.Tests.Web;

/// <summary>
/// A projects folder with a copy of an example experiment that has one finished lexicon run (run once per test class),
/// and the serve options over it.
/// </summary>
public sealed class ServedProjects : IAsyncLifetime
{
    private PipelineSandbox? _sandbox;

    internal PipelineSandbox Sandbox => _sandbox!;

    internal string Root => Path.GetDirectoryName(Sandbox.ExperimentPath)!;

    internal string Experiment => Path.GetFileName(Sandbox.ExperimentPath);

    internal string RunFolder { get; private set; } = string.Empty;

    internal string RunId => Path.GetFileName(RunFolder);

    internal ServeOptions Options(string? host = null) =>
        ServeOptions.For(Root, host, 0, Sandbox.Environment) with
        {
            OfflineModels = Discernus.Cli.Commands.OfflineModels.Registrations,
            // The pages' tests read the findings of a folder on first sight: wait for its validation (a slow test machine).
            RequestBudget = TimeSpan.FromSeconds(30),
        };

    public async Task InitializeAsync()
    {
        _sandbox = PipelineSandbox.Of("nano");
        var run = await _sandbox.RunAsync();
        Assert.True(run.ExitCode == 0, run.Output);
        RunFolder = run.Folder;
    }

    public Task DisposeAsync()
    {
        _sandbox?.Dispose();
        return Task.CompletedTask;
    }
}
