using System.Globalization;
using Discernus.Application;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus run`: starts the host (embedded Garnet unless DISCERNUS_REDIS_URL is set), submits the run to the
/// Orchestrator, shows progress until the run ends, then prints where the report is. Every wait is bounded, a Redis
/// outage is ridden out (up to DISCERNUS_REDIS_OUTAGE_SECONDS), and a background loop that stops ends the command
/// with its reason. `--resume` submits an existing, unfinished run folder instead of a new run.
/// </summary>
internal static class RunPipeline
{
    private static readonly TimeSpan PickUpTimeout = TimeSpan.FromSeconds(60);

    /// <remarks>
    /// Not async: the validated experiment (an entry per document) is needed only to start the run, and an async
    /// method would keep it, as its parameter, for the run's whole length.
    /// </remarks>
    public static Task<int> ExecuteAsync(
        CliContext context, ValidationReport report, ManifestModels models, int? concurrency, bool localWorkers, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? runOptions = null, AgentIsolationMode isolation = AgentIsolationMode.None, CorpusTokens? tokens = null)
    {
        var experiment = report.Experiment!;
        var console = context.Console;
        // The checks, the estimate, the budget rule and the request are shared with `discernus serve` (RunPlanner).
        var plan = RunPlanner.Plan(experiment, models, context.Environment.Values, context.TimeProvider, runOptions, tokens);
        if (plan.PreflightProblems.Count > 0)
        {
            foreach (var problem in plan.PreflightProblems)
            {
                context.Error.WriteLine($"error: {problem}");
            }

            return Task.FromResult(ExitCodes.Invalid);
        }

        if (plan.RunsFolderProblem is { } unwritable)
        {
            context.Error.WriteLine($"error: {unwritable}");
            return Task.FromResult(ExitCodes.Failure);
        }

        var request = plan.Request!;
        console.MarkupLine($"[bold]Discernus[/] run [blue]{request.RunId}[/] of [bold]{Markup.Escape(experiment.Name)}[/]: {experiment.Corpus.Documents.Count} document(s), framework '{Markup.Escape(experiment.Framework.Name)}'");
        if (runOptions?.GetValueOrDefault(RunRequestOptions.Source) is { } reusedFrom)
        {
            // No analysis is asked for: the estimate of a whole run does not apply.
            console.MarkupLine($"Starting at {Markup.Escape(StageNames.Title(runOptions[RunRequestOptions.From]))}: the earlier stages are taken from run {Markup.Escape(Path.GetFileName(reusedFrom))} ({Markup.Escape(string.Join(", ", models.Names))}); no document is analysed again.");
        }
        else if (models.OfflineBaseline)
        {
            foreach (var name in models.Names)
            {
                console.MarkupLine(OfflineModels.Announcement(name));
            }
        }
        else if (!AnnounceEstimate(context, experiment, models, plan, runOptions))
        {
            return Task.FromResult(ExitCodes.Invalid);
        }

        if (runOptions?.GetValueOrDefault(RunRequestOptions.Pretest) is { } sample)
        {
            AnnouncePretest(console, experiment, sample, runOptions);
        }

        return SubmitAndWatchAsync(context, request, ArtifactStoreOptions.For(experiment.Directory, context.Environment.Values), concurrency, localWorkers, cancellationToken, isolation);
    }

    /// <summary>Prints the models, the billing mode and the estimate; false when the estimate is over the budget.</summary>
    private static bool AnnounceEstimate(CliContext context, Experiment experiment, ManifestModels models, RunPlan plan, IReadOnlyDictionary<string, string>? runOptions)
    {
        var console = context.Console;
        console.MarkupLine($"Model(s): {Markup.Escape(string.Join(", ", models.Names))} ({models.Source}), {models.RunsPerModel} run(s) per model");
        var mode = plan.Request is { } planned ? RunPlanner.ModeOf(planned.Options) : RunPlanner.ModeOf(runOptions);
        if (mode == Models.BillingMode.Batch)
        {
            console.MarkupLine("Batch mode: the analyses go through the provider's batch API (about half the price); results can take up to 24 h and show no live progress. `discernus status` shows the batches; `run --resume` picks them up after a restart.");
        }

        EstimatePrinter.Print(console, experiment, models.Names, plan.Estimate!, detailed: false, mode);
        if (plan.BudgetProblem is { } budgetProblem)
        {
            context.Error.WriteLine($"error: {budgetProblem}");
            return false;
        }

        return true;
    }

    private static void AnnouncePretest(IAnsiConsole console, Experiment experiment, string sample, IReadOnlyDictionary<string, string> runOptions)
    {
        var budget = experiment.MaxCostUsd is { } max ? string.Create(CultureInfo.InvariantCulture, $" or the cost extrapolated from its tokens exceeds the budget (${max})") : "";
        console.MarkupLine($"Pre-test: {Markup.Escape(sample)} of {experiment.Corpus.Documents.Count} document(s) first (seed {Markup.Escape(runOptions[RunRequestOptions.PretestSeed])}); the run stops there if a dimension does not discriminate, more than {double.Parse(runOptions[RunRequestOptions.PretestMaxFailureRate], CultureInfo.InvariantCulture):P0} of the answers fail{Markup.Escape(budget)}.");
    }

    /// <summary>
    /// `run --resume &lt;run-folder&gt;`: continues an interrupted, failed or cancelled run in place. Only analyses without a
    /// recorded result are done again; finished stages are kept.
    /// </summary>
    public static async Task<int> ResumeAsync(
        CliContext context, string runFolderArgument, int? concurrency, bool localWorkers, CancellationToken cancellationToken, AgentIsolationMode isolation = AgentIsolationMode.None)
    {
        var check = RunRules.CheckResume(runFolderArgument, context.TimeProvider);
        if (check.Refusal != ResumeRefusal.None)
        {
            context.Error.WriteLine($"error: {check.Problem}");
            return check.Refusal == ResumeRefusal.NotARunFolder ? ExitCodes.FileMissing : ExitCodes.Usage;
        }

        var (manifest, runFolder) = (check.Manifest!, check.RunFolder);
        context.Console.MarkupLine($"[bold]Discernus[/] resuming run [blue]{Markup.Escape(manifest.RunId)}[/] of [bold]{Markup.Escape(manifest.Experiment.Name)}[/] ({Markup.Escape(check.Liveness)}): finished stages and recorded analyses are kept; every document without a valid result is asked again.");
        var request = RunRules.ResumeRequest(check, context.TimeProvider);
        return await SubmitAndWatchAsync(context, request, ArtifactStoreOptions.For(manifest.Experiment.Path, context.Environment.Values), concurrency, localWorkers, cancellationToken, isolation);
    }

    private static async Task<int> SubmitAndWatchAsync(
        CliContext context, RunRequest request, ArtifactStoreOptions artifacts, int? concurrency, bool localWorkers, CancellationToken cancellationToken, AgentIsolationMode isolation)
    {
        var console = context.Console;
        var options = HostOptionsFor(context, artifacts, concurrency, localWorkers, isolation);
        var started = context.TimeProvider.GetTimestamp();
        using var logging = CliLogging.Start(context, "run");
        var logger = logging.Factory.CreateLogger("discernus.run");

        // The run's trace starts in this process's Orchestrator; the providers outlive the host so its last spans export.
        using var telemetry = Hosting.ProcessTelemetry.Start(Discernus.Telemetry.TelemetryOptions.FromSettings(context.Environment.Values, "discernus-run"));
        await using var host = await DiscernusHost.StartAsync(options, context.TimeProvider, logger, cancellationToken);
        var runId = request.RunId;
        AnnounceHost(context, host, options, isolation, logging.FilePath);

        var noticesBefore = await host.SubmitAsync(request, CancellationToken.None);
        logger.LogInformation("Submitted run {RunId} of {Experiment}", runId, request.ExperimentPath);

        var view = context.Interactive ? (IProgressView)new LiveProgressView(console, context.TimeProvider) : new PlainProgressView(console, context.TimeProvider);
        RunState? state;
        try
        {
            state = await view.RunAsync(ct => WatchAsync(host, runId, view, context.TimeProvider, noticesBefore, ct), cancellationToken);
        }
        catch (Exception ex) when (ex is RunAbortedException or CoordinationUnavailableException)
        {
            // A stopped loop, a coordination fault, a Redis outage past its limit, or a missing Orchestrator: say why
            // once, then show what the run folder recorded.
            return await AbortAsync(context, host, request, ex.Message, logger, started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Cancelling[/]: finishing the tasks in hand and marking the run cancelled...");
            await TryCancelAsync(host, runId, logger);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            state = await WaitForEndAsync(host, runId, context.TimeProvider, grace.Token);
        }

        var elapsed = context.TimeProvider.GetElapsedTime(started);
        var exitCode = Summarize(context, request.RunFolder, state, elapsed);
        if (host.ForeignRuns(runId) is { Count: > 0 } foreign)
        {
            console.MarkupLine($"[dim]This process's Orchestrator also took {foreign.Count} run(s) submitted elsewhere on this Redis ({Markup.Escape(string.Join(", ", foreign))}); it finishes them before exiting.[/]");
        }

        return exitCode;
    }

    private static HostOptions HostOptionsFor(CliContext context, ArtifactStoreOptions artifacts, int? concurrency, bool localWorkers, AgentIsolationMode isolation)
    {
        var options = HostOptions.FromEnvironment(context.Environment.Values, artifacts.FolderPath) with { OfflineModels = OfflineModels.Registrations };
        if (concurrency is { } n)
        {
            options = options with { Router = options.Router with { Concurrency = n } };
        }

        options = options with { RunWorkers = localWorkers, Router = IsolationOption.Apply(options.Router, isolation, context.Environment.Values) };
        options.Router.Validate();
        return options;
    }

    private static void AnnounceHost(CliContext context, DiscernusHost host, HostOptions options, AgentIsolationMode isolation, string? logFile)
    {
        if (host.EvictionWarning is { } eviction)
        {
            context.Error.WriteLine($"warning: {eviction}");
        }

        var localWorkers = options.RunWorkers;
        context.Console.MarkupLine($"[dim]coordination: {Markup.Escape(host.RedisDescription)}; artifacts: {Markup.Escape(host.Store.Description)}; agent loops: {(localWorkers ? options.Router.Concurrency.ToString(CultureInfo.InvariantCulture) + (isolation == AgentIsolationMode.Process ? ", each task in its own process" : "") : "none here (discernus worker processes)")}; log: {Markup.Escape(logFile ?? "console only")}[/]");
    }

    private static async Task<int> AbortAsync(CliContext context, DiscernusHost host, RunRequest request, string reason, ILogger logger, long started)
    {
        var runId = request.RunId;
        context.Error.WriteLine($"error: {reason}");
        logger.LogError("Run {RunId} aborted: {Reason}", runId, reason);
        await TryCancelAsync(host, runId, logger);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var state = await WaitForEndAsync(host, runId, context.TimeProvider, grace.Token);
        var code = Summarize(context, request.RunFolder, state, context.TimeProvider.GetElapsedTime(started));
        return code == ExitCodes.Success ? ExitCodes.RunFailed : code;
    }

    private static async Task TryCancelAsync(DiscernusHost host, string runId, ILogger logger)
    {
        try
        {
            await host.RequestCancelAsync(runId);
        }
        catch (Exception ex) when (ex is CoordinationUnavailableException or CoordinationFaultException)
        {
            logger.LogWarning("Could not flag run {RunId} as cancelled in Redis: {Message}", runId, ex.Message);
        }
    }

    private static async Task<RunState?> WatchAsync(DiscernusHost host, string runId, IProgressView view, TimeProvider time, int noticesBefore, CancellationToken cancellationToken)
    {
        var submitted = time.GetTimestamp();
        var shown = noticesBefore;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (host.LoopFailure is { } failure)
            {
                throw new RunAbortedException(failure.Message);
            }

            var state = await host.GetStateAsync(runId, cancellationToken);
            if (state is not null)
            {
                // Redis may have lost the state (and its notices with it): a rebuilt state numbers them from 1 again.
                var notices = state.Notices;
                shown = Math.Min(shown, notices.Count);
                foreach (var notice in notices.Skip(shown))
                {
                    view.Notice(notice);
                }

                shown = notices.Count;
                view.Update(state);
                if (RunRules.HasGoneSilent(state, host.Options.Orchestrator.StallTimeout, time.GetUtcNow()))
                {
                    throw new RunAbortedException($"the Orchestrator executing run {runId} stopped updating it at {state.UpdatedAt}; it has probably exited");
                }

                if (state.Status is { } status && RunStatus.IsFinal(status))
                {
                    return state;
                }

                if (state.Status == RunStatuses.Queued && time.GetElapsedTime(submitted) > PickUpTimeout)
                {
                    throw new RunAbortedException($"no Orchestrator took the run within {PickUpTimeout.TotalSeconds:F0} s");
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }
    }

    private static async Task<RunState?> WaitForEndAsync(DiscernusHost host, string runId, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var state = await host.GetStateAsync(runId, cancellationToken);
                if (state?.Status is { } status && RunStatus.IsFinal(status))
                {
                    return state;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or CoordinationUnavailableException or CoordinationFaultException)
        {
            return null;
        }
    }

    private static int Summarize(CliContext context, string runFolder, RunState? state, TimeSpan elapsed)
    {
        if (context.JsonSummary is not null)
        {
            return RunSummary.WriteJson(context, runFolder, state, elapsed);
        }

        var console = context.Console;
        var manifestPath = Path.Combine(runFolder, RunFolder.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            context.Error.WriteLine($"error: the run did not get past validation: {state?.Error ?? "no reason recorded"}");
            return ExitCodes.RunFailed;
        }

        var manifest = RunFolder.ReadManifestHead(manifestPath);
        var table = new Table().AddColumns("stage", "status", "tasks", "seconds");
        foreach (var row in RunRules.StageRows(manifest))
        {
            table.AddRow(row.Title, Markup.Escape(row.Status), row.TasksWithFailures, row.Seconds);
        }

        CliTables.Write(console, table);
        PretestSummary.Print(console, runFolder, manifest);
        var cost = manifest.Cost;
        console.MarkupLine($"Run {Markup.Escape(manifest.RunId)}: [bold]{Markup.Escape(manifest.Status)}[/] in {elapsed.TotalSeconds:F1} s; cost {Markup.Escape(CostText.Actual(cost, manifest.Models?.Names ?? []))}; " +
            $"{Markup.Escape(cost.Work())}, {cost.Retries} retries, {cost.Failures} failed request(s).");
        foreach (var failure in manifest.Failures.Take(10))
        {
            console.MarkupLine($"  [red]failed[/] {Markup.Escape(failure.DocumentName ?? failure.TaskId)}: {Markup.Escape(failure.Reason)}");
        }

        if (manifest.Error is { } error)
        {
            console.MarkupLine($"[red]Error:[/] {Markup.Escape(error)}");
        }

        PrintPaths(context, runFolder, manifest);
        return manifest.Status switch
        {
            RunStatus.Completed => ExitCodes.Success,
            RunStatus.CompletedWithFailures => ExitCodes.CompletedWithFailures,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
    }

    private static void PrintPaths(CliContext context, string runFolder, RunManifest manifest)
    {
        // Paths go out as plain lines so a terminal never wraps them: they must stay copy-pastable.
        context.Out.WriteLine($"Run folder: {runFolder}");
        if (manifest.Outputs.ReportMarkdown is { } report)
        {
            context.Out.WriteLine($"Report: {Path.Combine(runFolder, report)}");
            if (manifest.Outputs.ReportHtml is { } html)
            {
                context.Out.WriteLine($"HTML report: {Path.Combine(runFolder, html)}");
            }
        }

        var setUp = manifest.Stages.Any(s => s.Name == StageNames.RunSetup && s.Status == RunStatus.Completed);
        if (setUp && (!RunStatus.IsFinal(manifest.Status) || manifest.Status is RunStatus.Failed or RunStatus.Cancelled))
        {
            context.Out.WriteLine($"Resume: discernus run --resume {runFolder}");
        }
    }
}

internal sealed class RunAbortedException(string message) : Exception(message);
