using Discernus.Application;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus run` once the run is prepared: says what starts and what it may cost, runs it on a <see cref="RunSession"/>
/// in this process, shows its progress until it ends, then prints the stages, cost and where the report is. A run that
/// cannot be watched to its end (<see cref="RunAbortedException"/>) ends the command with its reason.
/// </summary>
internal static class RunPipeline
{
    public static async Task<int> ExecuteAsync(CliContext context, PreparedRun run, RunHostChoices host, EarlyCoordination early, CancellationToken cancellationToken)
    {
        var console = context.Console;
        console.MarkupLine($"[bold]Discernus[/] run [blue]{run.RunId}[/] of [bold]{Markup.Escape(run.ExperimentName)}[/]: {run.Documents} document(s), framework '{Markup.Escape(run.FrameworkName)}'");
        if (run.Reuses is { } reuses)
        {
            // No analysis is asked for: the estimate of a whole run does not apply.
            console.MarkupLine($"Starting at {Markup.Escape(reuses.Stage)}: the earlier stages are taken from run {Markup.Escape(reuses.SourceRun)} ({Markup.Escape(string.Join(", ", run.Models))}); no document is analysed again.");
        }
        else if (run.OfflineBaseline)
        {
            run.Models.ToList().ForEach(name => console.MarkupLine(OfflineModels.Announcement(name)));
        }
        else
        {
            console.MarkupLine($"Model(s): {Markup.Escape(string.Join(", ", run.Models))} ({run.ModelSource}), {run.RunsPerModel} run(s) per model");
            if (run.Batch)
            {
                console.MarkupLine("Batch mode: the analyses go through the provider's batch API (about half the price); results can take up to 24 h and show no live progress. `discernus status` shows the batches; `run --resume` picks them up after a restart.");
            }

            EstimatePrinter.Print(console, run.Estimate!, detailed: false);
        }

        if (run.Refusal == LaunchRefusal.OverBudget)
        {
            context.Error.WriteLine($"error: {run.Problems[0]}");
            return ExitCodes.Invalid;
        }

        if (run.Pretest is { } pretest)
        {
            console.MarkupLine($"Pre-test: {Markup.Escape(pretest)}");
        }

        return await SubmitAndWatchAsync(context, run, host, early, cancellationToken);
    }

    public static async Task<int> SubmitAndWatchAsync(CliContext context, PreparedRun run, RunHostChoices host, EarlyCoordination early, CancellationToken cancellationToken)
    {
        var console = context.Console;
        var started = context.TimeProvider.GetTimestamp();
        using var logging = CliLogging.Start(context, "run");
        var logger = logging.Factory.CreateLogger("discernus.run");

        // The run's trace starts in this process's Orchestrator; the providers outlive the host so its last spans export.
        using var telemetry = Hosting.ProcessTelemetry.Start(Discernus.Telemetry.TelemetryOptions.FromSettings(context.Environment.Values, "discernus-run"));
        await using var session = await RunSession.StartAsync(run, host, context.Workspace, logger, early, cancellationToken);
        if (session.EvictionWarning is { } eviction)
        {
            context.Error.WriteLine($"warning: {eviction}");
        }

        var loops = session.AgentLoops > 0 ? $"{session.AgentLoops}{(host.IsolateAgents ? ", each task in its own process" : "")}" : "none here (discernus worker processes)";
        console.MarkupLine($"[dim]coordination: {Markup.Escape(session.Coordination)}; artifacts: {Markup.Escape(session.Artifacts)}; agent loops: {loops}; log: {Markup.Escape(logging.FilePath ?? "console only")}[/]");
        var view = context.Interactive ? (IProgressView)new LiveProgressView(console, context.TimeProvider) : new PlainProgressView(console, context.TimeProvider);
        try
        {
            await view.RunAsync(ct => WatchAsync(session, view, ct), cancellationToken);
        }
        catch (RunAbortedException ex)
        {
            // A stopped loop, a coordination fault, a Redis outage past its limit, or a missing Orchestrator: say why
            // once, then show what the run folder recorded.
            context.Error.WriteLine($"error: {ex.Message}");
            logger.LogError("Run {RunId} aborted: {Reason}", session.RunId, ex.Message);
            await session.CancelAsync(TimeSpan.FromSeconds(15));
            var code = RunSummary.Print(context, session.End(), context.TimeProvider.GetElapsedTime(started));
            return code == ExitCodes.Success ? ExitCodes.RunFailed : code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Cancelling[/]: finishing the tasks in hand and marking the run cancelled...");
            await session.CancelAsync(TimeSpan.FromSeconds(30));
        }

        var exitCode = RunSummary.Print(context, session.End(), context.TimeProvider.GetElapsedTime(started));
        if (session.ForeignRuns() is { Count: > 0 } foreign)
        {
            console.MarkupLine($"[dim]This process's Orchestrator also took {foreign.Count} run(s) submitted elsewhere on this Redis ({Markup.Escape(string.Join(", ", foreign))}); it finishes them before exiting.[/]");
        }

        return exitCode;
    }

    private static async Task<bool> WatchAsync(RunSession session, IProgressView view, CancellationToken cancellationToken)
    {
        await foreach (var update in session.WatchAsync(cancellationToken))
        {
            foreach (var notice in update.Notices)
            {
                view.Notice(notice);
            }

            view.Update(update);
        }

        return true;
    }
}
