using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Cli;

/// <summary>One lexicon run of political_rhetoric, shared by the tests of the commands that read a run folder.</summary>
public sealed class RunOutputFixture : IAsyncLifetime
{
    internal PipelineSandbox Sandbox { get; private set; } = null!;

    internal PipelineRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sandbox = PipelineSandbox.Of("political_rhetoric");
        Run = await Sandbox.RunAsync();
        Assert.True(Run.ExitCode == 0, Run.Output);
    }

    public Task DisposeAsync()
    {
        Sandbox.Dispose();
        return Task.CompletedTask;
    }
}
