using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Tests.Orchestration;

/// <summary>Submitting runs straight to a <see cref="DiscernusHost"/> (what the CLI does) and waiting for their end, bounded.</summary>
internal static class HostRuns
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Submits a run of the experiment (model from the experiment or the default) as the CLI does: validated once and
    /// its documents read into the host's store, both passed on. Returns its id and folder.
    /// </summary>
    public static async Task<(string RunId, string RunFolder)> SubmitAsync(DiscernusHost host, string experimentPath)
    {
        var report = ExperimentValidator.Validate(experimentPath, new ExperimentLimits(), readDocuments: false);
        Assert.True(report.IsValid, string.Join("; ", report.Blocking.Select(f => f.Message)));
        var documents = await RunPlanner.ReadDocumentsAsync(report, report.Models, host.Store);
        var (validation, options) = await RunPlanner.PassOnAsync(documents, host.Store);
        var runId = RunFolderAllocator.NewRunId(TimeProvider.System);
        var runFolder = Path.Combine(experimentPath, "runs", runId);
        await host.SubmitAsync(new RunRequest { RunId = runId, ExperimentPath = experimentPath, RunFolder = runFolder, Validation = validation, Options = options });
        return (runId, runFolder);
    }

    /// <summary>Polls run:{id}:state until the run ends; fails the test (instead of hanging) after <see cref="Limit"/>.</summary>
    public static async Task<RunState> WaitForFinalStateAsync(DiscernusHost host, string runId)
    {
        using var limit = new CancellationTokenSource(Limit);
        RunState? last = null;
        try
        {
            while (true)
            {
                last = await host.GetStateAsync(runId, limit.Token);
                if (last?.Status is { } status && RunStatus.IsFinal(status))
                {
                    return last;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"run {runId} did not end within {Limit}; last status {last?.Status ?? "(none)"}, stage {last?.Stage ?? "(none)"}");
        }
    }

    public static string Describe(RunState state) => string.Join(", ", state.Fields.Select(f => $"{f.Key}={f.Value}"));
}
