using Discernus.Tests.Cli;

namespace Discernus.Tests.Orchestration;

/// <summary>What one in-process <c>discernus run</c> left behind.</summary>
internal sealed record PipelineRun(int ExitCode, string ExperimentPath, string? RunFolder, CliHarness Cli)
{
    public string Folder => RunFolder ?? throw new Xunit.Sdk.XunitException($"the run created no run folder (exit {ExitCode})\n{Cli.AllText}");

    public string Output => Cli.AllText;
}
