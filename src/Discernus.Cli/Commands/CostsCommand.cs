using System.CommandLine;
using System.Globalization;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>`discernus costs`: a run's actual cost by stage, model and agent, from its interaction log and results.</summary>
internal static class CostsCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("run-folder") { Description = "Path of a run folder (projects/<experiment>/runs/<run_id>)" };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("costs", $"Break a run's actual cost down by stage, model, agent and billing mode (from {RunCosts.InteractionsLog} and the results)") { folder, format };
        command.SetAction((parse, _) =>
        {
            RunCosts costs;
            try
            {
                costs = RunCosts.Read(Path.GetFullPath(parse.GetValue(folder)!));
            }
            catch (FileNotFoundException ex)
            {
                context.Error.WriteLine($"error: {ex.Message}");
                return Task.FromResult(ExitCodes.FileMissing);
            }

            if (parse.GetValue(format) == "json")
            {
                context.Out.WriteLine(costs.ToJson());
                return Task.FromResult(ExitCodes.Success);
            }

            Print(context.Console, costs);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Print(IAnsiConsole console, RunCosts costs)
    {
        console.MarkupLine($"Run [blue]{Markup.Escape(costs.RunId)}[/] of [bold]{Markup.Escape(costs.Experiment)}[/] ({Markup.Escape(costs.Status)}): actual cost [bold]{Markup.Escape(Cost(costs.Total))}[/]; " +
            Markup.Escape(costs.Total.Work) + ".");
        if (costs.Total.OfflineAnalyses > 0)
        {
            console.MarkupLine("[dim]Offline analyses (lexicon, minilm) are computed on this machine: no provider request, no token sent, no cost.[/]");
        }

        if (costs.Interactions == 0)
        {
            console.MarkupLine("[yellow]No model interactions are recorded in this run folder[/] (an offline run, or calls made by workers on other machines); the figures below come from the analysis results only.");
        }
        else
        {
            PrintTables(console, costs);
        }

        var results = costs.Results;
        console.MarkupLine(Markup.Escape(
            $"Analysis results: {results.Documents} document result(s), {results.Cached} served from the cache, recording " +
            (results.Complete ? CostText.Usd(results.KnownUsd) : results.KnownUsd == 0 ? "an unknown cost" : $"at least {CostText.Usd(results.KnownUsd)} (some prices unknown)") +
            " (answers only; failed and retried requests are in the tables above)."));
        if (costs.UnreadableLines > 0)
        {
            console.MarkupLine($"[yellow]{costs.UnreadableLines} line(s) of {RunCosts.InteractionsLog} could not be read and were skipped.[/]");
        }
    }

    private static void PrintTables(IAnsiConsole console, RunCosts costs)
    {
        var (columns, dropped) = CostColumns(costs.Total);
        foreach (var (title, rows) in new[] { ("stage", costs.ByStage), ("model", costs.ByModel), ("agent", costs.ByAgent), ("mode", costs.ByMode) })
        {
            // The names stay whole; the numbers' headers wrap when a table still has to fit 100 columns.
            var table = new Table().AddColumn(new TableColumn(title).NoWrap()).AddColumns(columns.Select(c => c.Header).ToArray());
            foreach (var row in rows.Append(costs.Total))
            {
                table.AddRow([Markup.Escape(row.Name), .. columns.Select(c => c.Cell(row))]);
            }

            CliTables.Write(console, table);
        }

        if (dropped.Count > 0)
        {
            console.MarkupLine($"[dim]Left out, 0 in every row: {Markup.Escape(string.Join(", ", dropped))} (`--format json` has every column).[/]");
        }
    }

    // Columns that are zero in every row are left out (and named by the caller), so the tables fit 100 columns.
    private static (List<(string Header, Func<RunCosts.CostRow, string> Cell)> Columns, List<string> Dropped) CostColumns(RunCosts.CostRow total)
    {
        var columns = new List<(string Header, Func<RunCosts.CostRow, string> Cell)> { ("provider requests", r => N(r.Requests)) };
        var dropped = new List<string>();
        foreach (var (header, cell, count) in new (string, Func<RunCosts.CostRow, string>, long)[]
        {
            ("offline analyses", r => N(r.OfflineAnalyses), total.OfflineAnalyses),
            ("cache hits", r => N(r.CacheHits), total.CacheHits),
            ("failed", r => N(r.FailedRequests), total.FailedRequests),
        })
        {
            if (count > 0)
            {
                columns.Add((header, cell));
            }
            else
            {
                dropped.Add(header);
            }
        }

        columns.Add(("prompt tokens", r => N(r.PromptTokens)));
        if (total.CachedInputTokens > 0 || total.CacheWriteTokens > 0)
        {
            // Billed at the cached-input (and cache-write) rate, not the input rate.
            columns.Add(("of which cached", r => r.CacheWriteTokens > 0 ? $"{N(r.CachedInputTokens)} (+{N(r.CacheWriteTokens)} written)" : N(r.CachedInputTokens)));
        }
        else
        {
            dropped.Add("of which cached");
        }

        columns.AddRange([("completion tokens", r => N(r.CompletionTokens)), ("cost", r => Markup.Escape(Cost(r)))]);
        return (columns, dropped);
    }

    private static string Cost(RunCosts.CostRow row) => row.Usd is { } usd ? CostText.Usd(usd)
        : row.KnownUsd == 0 ? "unknown"
        : $"≥ {CostText.Usd(row.KnownUsd)} (some prices unknown)";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
