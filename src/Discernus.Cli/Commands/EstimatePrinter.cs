using System.Globalization;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>Prints an <see cref="EstimateView"/> the same way for `estimate`, `run --dry-run` and the start of `run`.</summary>
internal static class EstimatePrinter
{
    public static void Print(IAnsiConsole console, EstimateView estimate, bool detailed)
    {
        if (!estimate.Priced)
        {
            console.MarkupLine(Markup.Escape(estimate.Work));
            return;
        }

        if (detailed)
        {
            console.MarkupLine(Markup.Escape(estimate.Work));
            PrintPerModel(console, estimate);
        }

        console.MarkupLine(Markup.Escape(estimate.Cost));
        if (estimate.Unpriced is { } unpriced)
        {
            console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(unpriced)}");
        }
        else if (estimate.Budget is { } budget)
        {
            console.MarkupLine($"Budget: {Markup.Escape(budget)} {(estimate.WithinBudget ? "[green]within[/] it" : "[red]over[/] it")}.");
        }

        if (detailed)
        {
            console.MarkupLine("[dim]Validation re-asks and retries add calls; `discernus costs <run-folder>` breaks the actual cost down after a run.[/]");
        }
    }

    private static void PrintPerModel(IAnsiConsole console, EstimateView estimate)
    {
        var table = new Table().AddColumns("model", "calls", "prompt tokens", "completion tokens", "interactive", "with caching", "batch");
        foreach (var model in estimate.PerModel)
        {
            table.AddRow(
                Markup.Escape(model.Model),
                model.Calls.ToString("N0", CultureInfo.InvariantCulture),
                model.PromptTokens.ToString("N0", CultureInfo.InvariantCulture),
                model.CompletionTokens.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(model.Interactive),
                Markup.Escape(model.WithCaching),
                Markup.Escape(model.Batch));
        }

        CliTables.Write(console, table);
        console.MarkupLine(Markup.Escape(estimate.Modes));
        foreach (var model in estimate.PerModel)
        {
            console.MarkupLine($"[dim]{Markup.Escape(model.Source)}[/]");
        }
    }
}
