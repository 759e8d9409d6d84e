using System.Globalization;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>Prints a <see cref="CostEstimate"/> the same way for `estimate`, `run --dry-run` and the start of `run`.</summary>
internal static class EstimatePrinter
{
    public static void Print(IAnsiConsole console, Experiment experiment, IReadOnlyList<string> models, CostEstimate estimate, bool detailed)
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
            var table = new Table().AddColumns("model", "calls", "prompt tokens", "completion tokens", "cost", "tokens counted with");
            foreach (var model in estimate.Models)
            {
                table.AddRow(
                    Markup.Escape(model.Model),
                    model.Calls.ToString("N0", CultureInfo.InvariantCulture),
                    model.PromptTokens.ToString("N0", CultureInfo.InvariantCulture),
                    model.CompletionTokens.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(CostText.Usd(model.Usd)),
                    Markup.Escape(model.TokenCounting));
            }

            CliTables.Write(console, table);
        }

        var cost = estimate.Usd is { } usd ? $"about {CostText.Usd(usd)}"
            : estimate.UnpricedModels.Count == estimate.Models.Count ? "unknown"
            : $"unknown, at least {CostText.Usd(estimate.Models.Sum(m => m.Usd ?? 0m))} for the priced models";
        console.MarkupLine(Markup.Escape(
            $"Estimated: ~{estimate.PromptTokens:N0} prompt and ~{estimate.CompletionTokens:N0} completion tokens; cost {cost}. An estimate: the manifest records the actual cost."));
        if (estimate.UnpricedModels.Count > 0)
        {
            console.MarkupLine($"[yellow]Note:[/] no price is known for {Markup.Escape(string.Join(", ", estimate.UnpricedModels))}: its cost is unknown, not zero{(experiment.MaxCostUsd is { } b ? $", and budget.max_cost_usd (${b.ToString(CultureInfo.InvariantCulture)}) cannot be enforced for it" : "")}.");
        }
        else if (experiment.MaxCostUsd is { } budget)
        {
            var within = estimate.Usd <= budget;
            console.MarkupLine($"Budget: budget.max_cost_usd ${budget.ToString(CultureInfo.InvariantCulture)}: the estimate is {(within ? "[green]within[/] it" : "[red]over[/] it")}.");
        }

        if (detailed)
        {
            console.MarkupLine("[dim]Validation re-asks and retries add calls; `discernus costs <run-folder>` breaks the actual cost down after a run.[/]");
        }
    }
}
