using System.Globalization;
using Discernus.Application;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>Prints a <see cref="CostEstimate"/> the same way for `estimate`, `run --dry-run` and the start of `run`.</summary>
internal static class EstimatePrinter
{
    /// <param name="mode">How the run will send its analyses: the budget is compared with that mode's estimate.</param>
    public static void Print(IAnsiConsole console, Experiment experiment, IReadOnlyList<string> models, CostEstimate estimate, bool detailed, BillingMode mode = BillingMode.Interactive)
    {
        var analyses = estimate.Documents * experiment.RunsPerModel * models.Count;
        // The same words as the run summary, `costs`, the report and serve: provider requests, offline analyses, cache hits.
        var work = ModelWork.Requests(estimate.ProviderRequests, estimate.OfflineAnalyses);
        var header = $"Estimate: {estimate.Documents:N0} document(s) × {experiment.RunsPerModel} run(s) × {models.Count} model(s) = {estimate.Calls:N0} model call(s) ({analyses:N0} analyses + 1 synthesis): {work}";
        var offline = estimate.OfflineModels.Count == 0 ? ""
            : $"; {string.Join(" and ", estimate.OfflineModels)} run{(estimate.OfflineModels.Count == 1 ? "s" : "")} on this machine: no provider request, no token sent, $0";
        if (estimate.Models.Count == 0)
        {
            console.MarkupLine(Markup.Escape(header + offline + "."));
            return;
        }

        if (detailed)
        {
            console.MarkupLine(Markup.Escape(header + offline + "."));
            PrintPerModel(console, estimate);
        }

        var cost = estimate.Usd is { } usd ? $"about {CostText.Usd(usd)}"
            : estimate.UnpricedModels.Count == estimate.Models.Count ? "unknown"
            : $"unknown, at least {CostText.Usd(estimate.Models.Sum(m => m.Usd ?? 0m))} for the priced models";
        var modes = estimate.Usd is null ? ""
            : $" With prompt caching about {CostText.Usd(estimate.CachedUsd)}; in batch mode {(estimate.BatchUsd is { } batchUsd ? $"about {CostText.Usd(batchUsd)}" : "unknown (a model has no batch price)")}.";
        console.MarkupLine(Markup.Escape(
            $"Estimated: ~{estimate.PromptTokens:N0} prompt and ~{estimate.CompletionTokens:N0} completion tokens; cost {cost}{(mode == BillingMode.Batch ? " interactive" : "")}.{modes} An estimate: the manifest records the actual cost."));
        if (estimate.UnpricedModels.Count > 0)
        {
            console.MarkupLine($"[yellow]Note:[/] no price is known for {Markup.Escape(string.Join(", ", estimate.UnpricedModels))}: its cost is unknown, not zero{(experiment.MaxCostUsd is { } b ? $", and budget.max_cost_usd (${b.ToString(CultureInfo.InvariantCulture)}) cannot be enforced for it" : "")}.");
        }
        else if (experiment.MaxCostUsd is { } budget)
        {
            var within = estimate.UsdFor(mode) <= budget;
            console.MarkupLine($"Budget: budget.max_cost_usd ${budget.ToString(CultureInfo.InvariantCulture)}: the {(mode == BillingMode.Batch ? "batch " : "")}estimate is {(within ? "[green]within[/] it" : "[red]over[/] it")}.");
        }

        if (detailed)
        {
            console.MarkupLine("[dim]Validation re-asks and retries add calls; `discernus costs <run-folder>` breaks the actual cost down after a run.[/]");
        }
    }

    private static void PrintPerModel(IAnsiConsole console, CostEstimate estimate)
    {
        var table = new Table().AddColumns("model", "calls", "prompt tokens", "completion tokens", "interactive", "with caching", "batch");
        foreach (var model in estimate.Models)
        {
            table.AddRow(
                Markup.Escape(model.Model),
                model.Calls.ToString("N0", CultureInfo.InvariantCulture),
                model.PromptTokens.ToString("N0", CultureInfo.InvariantCulture),
                model.CompletionTokens.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(CostText.Usd(model.Usd)),
                Markup.Escape(CostText.Usd(model.CachedUsd)),
                Markup.Escape(model.BatchUsd is null && model.Usd is not null ? "no batch price" : CostText.Usd(model.BatchUsd)));
        }

        CliTables.Write(console, table);
        console.MarkupLine(Markup.Escape(
            "Modes: interactive = one request per document, live progress; with caching = the same requests, the shared prefix " +
            $"(prompt and framework, ~{estimate.Models.Max(m => m.SharedPrefixTokens):N0} tokens) read from the provider's prompt cache by every request after the first " +
            $"(prefixes under {CostEstimator.MinimumCachedPrefixTokens:N0} tokens are not cached); batch = `run --batch`, the provider's batch API at about half the price, results within 24 h, no live progress."));
        foreach (var model in estimate.Models)
        {
            console.MarkupLine($"[dim]{Markup.Escape(model.Model)}: tokens counted with {Markup.Escape(model.TokenCounting)}; prices {Markup.Escape(model.PriceSource ?? "unknown")}.[/]");
        }
    }
}
