using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus run`: starts the host (embedded Garnet unless DISCERNUS_REDIS_URL is set), submits the run to the
/// Orchestrator, shows progress until the run ends, then prints where the report is. Every wait is bounded.
/// </summary>
internal static class RunPipeline
{
    private static readonly TimeSpan PickUpTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> ExecuteAsync(CliContext context, ValidationReport report, ManifestModels models, int? concurrency, bool localWorkers, CancellationToken cancellationToken)
    {
        var experiment = report.Experiment!;
        var console = context.Console;
        var problems = ModelSelection.Preflight(models.Names, context.Environment.Values);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                context.Error.WriteLine($"error: {problem}");
            }

            return ExitCodes.Invalid;
        }

        var artifacts = ArtifactStoreOptions.For(experiment.Directory, context.Environment.Values);
        var options = HostOptions.FromEnvironment(context.Environment.Values, artifacts.FolderPath);
        if (concurrency is { } n)
        {
            options = options with { Router = options.Router with { Concurrency = n } };
        }

        options = options with { RunWorkers = localWorkers };
        options.Router.Validate();
        var started = context.TimeProvider.GetTimestamp();
        await using var host = await DiscernusHost.StartAsync(options, context.TimeProvider, cancellationToken: cancellationToken);
        var runId = RunFolderAllocator.NewRunId(context.TimeProvider);
        var runFolder = Path.Combine(experiment.Directory, "runs", runId);

        console.MarkupLine($"[bold]Discernus[/] run [blue]{runId}[/] of [bold]{Markup.Escape(experiment.Name)}[/]: {experiment.Corpus.Documents.Count} document(s), framework '{Markup.Escape(experiment.Framework.Name)}'");
        if (models.OfflineBaseline)
        {
            console.MarkupLine("[yellow]Model: lexicon[/] — the offline dictionary baseline (marker-phrase counts, no language model, no API key). Set --model or DISCERNUS_MODEL for an LLM.");
        }
        else
        {
            console.MarkupLine($"Model(s): {Markup.Escape(string.Join(", ", models.Names))} ({models.Source}), {models.RunsPerModel} run(s) per model");
        }

        if (!models.OfflineBaseline)
        {
            var estimate = CostEstimator.Estimate(experiment with { RunsPerModel = models.RunsPerModel }, models.Names);
            console.MarkupLine($"Estimated: ~{estimate.PromptTokens:N0} prompt and ~{estimate.CompletionTokens:N0} completion tokens" +
                (estimate.Usd is { } usd ? $", about ${(usd < 1 ? usd.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : usd.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))} (an estimate; the manifest records actual cost)" : ""));
            if (estimate.UnpricedModels.Count > 0)
            {
                console.MarkupLine($"[yellow]Note:[/] no price is known for {Markup.Escape(string.Join(", ", estimate.UnpricedModels))}: its cost is not counted{(experiment.MaxCostUsd is { } b ? $" and budget.max_cost_usd (${b}) cannot be enforced for it" : "")}.");
            }
            else if (experiment.MaxCostUsd is { } budget && estimate.Usd > budget)
            {
                context.Error.WriteLine($"error: the estimated cost (${estimate.Usd:F2}) exceeds budget.max_cost_usd (${budget}) in {Path.GetFileName(experiment.ExperimentFilePath)}. Raise the budget, use fewer documents or runs, or choose a cheaper model. Nothing was run.");
                return ExitCodes.Invalid;
            }
        }

        console.MarkupLine($"[dim]coordination: {Markup.Escape(host.RedisDescription)}; artifacts: {Markup.Escape(artifacts.FolderPath)}; agent loops: {(localWorkers ? options.Router.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none here (discernus worker processes)")}[/]");

        await host.SubmitAsync(new RunRequest
        {
            RunId = runId,
            ExperimentPath = experiment.Directory,
            RunFolder = runFolder,
            Model = models.Source == "flag" ? string.Join(",", models.Names) : null,
            Options = new Dictionary<string, string> { ["models"] = string.Join(",", models.Names), ["model_source"] = models.Source, [ModelSelection.RunsOption] = models.RunsPerModel.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RequestedAt = IsoTime.Format(context.TimeProvider.GetUtcNow()),
        }, CancellationToken.None);

        var view = context.Interactive ? (IProgressView)new LiveProgressView(console, context.TimeProvider) : new PlainProgressView(console, context.TimeProvider);
        RunState? state;
        try
        {
            state = await view.RunAsync(ct => WatchAsync(host, runId, view, context.TimeProvider, ct), cancellationToken);
        }
        catch (RunAbortedException ex)
        {
            // A coordination fault or a missing Orchestrator: say why once, then show what the run folder recorded.
            context.Error.WriteLine($"error: {ex.Message}");
            await host.RequestCancelAsync(runId);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            state = await WaitForEndAsync(host, runId, context.TimeProvider, grace.Token);
            var code = Summarize(context, runFolder, state, context.TimeProvider.GetElapsedTime(started));
            return code == ExitCodes.Success ? ExitCodes.RunFailed : code;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Cancelling[/]: finishing the tasks in hand and marking the run cancelled...");
            await host.RequestCancelAsync(runId);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            state = await WaitForEndAsync(host, runId, context.TimeProvider, grace.Token);
        }

        var elapsed = context.TimeProvider.GetElapsedTime(started);
        var exitCode = Summarize(context, runFolder, state, elapsed);
        if (host.ForeignRuns(runId) is { Count: > 0 } foreign)
        {
            console.MarkupLine($"[dim]This process's Orchestrator also took {foreign.Count} run(s) submitted elsewhere on this Redis ({Markup.Escape(string.Join(", ", foreign))}); it finishes them before exiting.[/]");
        }

        return exitCode;
    }

    private static async Task<RunState?> WatchAsync(DiscernusHost host, string runId, IProgressView view, TimeProvider time, CancellationToken cancellationToken)
    {
        var submitted = time.GetTimestamp();
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
                view.Update(state);
                if (state.Status == RunStatus.Running && state.UpdatedAt is { } updated
                    && DateTimeOffset.TryParse(updated, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                    && time.GetUtcNow() - at > host.Options.Orchestrator.StallTimeout + TimeSpan.FromSeconds(60))
                {
                    // The Orchestrator fails a stalled stage itself; silence beyond that means it is gone.
                    throw new RunAbortedException($"the Orchestrator executing run {runId} stopped updating it at {updated}; it has probably exited");
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
        catch (OperationCanceledException)
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

        var manifest = RunFolder.ReadManifest(manifestPath);
        var table = new Table().AddColumns("stage", "status", "tasks", "seconds");
        foreach (var stage in manifest.Stages)
        {
            var tasks = stage.TasksTotal is { } total ? $"{stage.TasksSucceeded ?? 0}/{total}" + (stage.TasksFailed is > 0 ? $" ({stage.TasksFailed} failed)" : "") : "";
            table.AddRow(StageNames.Title(stage.Name), Markup.Escape(stage.Status), tasks, stage.DurationMs is { } ms ? (ms / 1000.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "");
        }

        console.Write(table);
        console.MarkupLine($"Run {Markup.Escape(manifest.RunId)}: [bold]{Markup.Escape(manifest.Status)}[/] in {elapsed.TotalSeconds:F1} s; cost ${manifest.Cost.ActualUsd:F4}; {manifest.Cost.ModelCalls} model call(s).");
        foreach (var failure in manifest.Failures.Take(10))
        {
            console.MarkupLine($"  [red]failed[/] {Markup.Escape(failure.DocumentName ?? failure.TaskId)}: {Markup.Escape(failure.Reason)}");
        }

        if (manifest.Error is { } error)
        {
            console.MarkupLine($"[red]Error:[/] {Markup.Escape(error)}");
        }

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

        return manifest.Status switch
        {
            RunStatus.Completed => ExitCodes.Success,
            RunStatus.CompletedWithFailures => ExitCodes.CompletedWithFailures,
            RunStatus.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.RunFailed,
        };
    }
}

internal sealed class RunAbortedException(string message) : Exception(message);
