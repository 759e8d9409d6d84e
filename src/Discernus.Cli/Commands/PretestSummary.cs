using System.Globalization;
using System.Text.Json;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>The pre-test's findings at the end of `discernus run`: the spread per dimension, quotes, failures, cost, verdict.</summary>
internal static class PretestSummary
{
    public static void Print(IAnsiConsole console, string runFolder, RunManifest manifest)
    {
        if (manifest.Outputs.Pretest is not { } relative || !File.Exists(Path.Combine(runFolder, relative)))
        {
            return;
        }

        PretestReport? report;
        try
        {
            report = JsonSerializer.Deserialize<PretestReport>(File.ReadAllBytes(Path.Combine(runFolder, relative)), DiscernusJson.Indented);
        }
        catch (JsonException ex)
        {
            console.MarkupLine($"[yellow]The pre-test report {Markup.Escape(relative)} cannot be read ({Markup.Escape(ex.Message)}).[/]");
            return;
        }

        if (report is null)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        var several = report.Models.Count > 1;
        var table = new Table().Title($"PRE-TEST: {report.SampleDocuments} of {report.CorpusDocuments} documents (seed {report.Seed})");
        table.AddColumns([.. several ? new[] { "model" } : [], "dimension", "scored", "mean", "sd", "range", "discriminates"]);
        foreach (var d in report.Dimensions)
        {
            string[] cells = [d.Dimension, $"{d.Scored}/{d.Scored + d.NotScored}", Number(d.Mean), Number(d.StandardDeviation), d.Min is { } min ? $"{Number(min)}–{Number(d.Max)}" : "—", d.Discriminates ? "yes" : "[red]no[/]"];
            table.AddRow([.. several ? new[] { Markup.Escape(d.Model) } : [], .. cells.Take(5).Select(Markup.Escape), cells[5]]);
        }

        CliTables.Write(console, table);
        var quotes = report.VerifiedQuoteRate is { } rate ? string.Create(inv, $"{report.VerifiedQuotes}/{report.Quotes} evidence quotes verified ({rate:P0})") : "no evidence quoted";
        var tokens = string.Join(", ", report.Models.Select(m => string.Create(inv, $"{m.PromptTokensPerDocument + m.CompletionTokensPerDocument:0} tokens/document{(several ? " (" + m.Model + ")" : "")}")));
        var cost = report.ExtrapolatedUsd is { } usd ? usd.ToString("$0.0000", inv) : "unknown";
        console.MarkupLine(Markup.Escape(string.Create(inv, $"  {report.Failed}/{report.Tasks} answers failed; {quotes}; {tokens}; extrapolated cost of the whole run {cost}{(report.BudgetUsd is { } b ? $" (budget ${b})" : "")}.")));
        foreach (var note in report.Notes)
        {
            console.MarkupLine($"  [yellow]note:[/] {Markup.Escape(note)}");
        }

        console.MarkupLine(report.StopReasons.Count == 0
            ? "  [green]Pre-test passed[/]: the full run took the sample's answers."
            : $"  [red]Pre-test stopped the run[/] ({report.StopReasons.Count} reason(s)); details in {Markup.Escape(Path.ChangeExtension(relative, ".md"))}.");

        static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
    }
}
