using System.CommandLine;
using Discernus.Configuration;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>
/// `discernus config`: every setting with its resolved value (secrets masked, URLs without passwords), where that value
/// came from (the <c>.env</c> file, the environment, or the default) and what it does; then the problems a command
/// would refuse to start with, and DISCERNUS_ names that are not settings.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("config", "Show every setting with its value and where it came from (secrets masked)") { format };
        command.SetAction((parse, _) =>
        {
            var values = context.Environment.Values;
            var (errors, warnings) = SettingCatalog.Check(values);
            var rows = SettingCatalog.All.Select(s => new SettingRow(
                s.Name,
                s.Component,
                values.Text(s.Name) is { } text ? s.Display(text) : null,
                values.SourceOf(s.Name),
                s.Default,
                s.Description)).ToList();
            if (parse.GetValue(format) == "json")
            {
                CommandOutput.Json(context, new { DotEnv = context.Environment.DotEnvPath, Settings = rows, Errors = errors, Warnings = warnings });
            }
            else
            {
                PrintText(context, rows, errors, warnings);
            }

            return Task.FromResult(errors.Count > 0 ? ExitCodes.Usage : ExitCodes.Success);
        });
        return command;
    }

    private sealed record SettingRow(string Name, string Component, string? Value, string Source, string Default, string Description);

    private static void PrintText(CliContext context, List<SettingRow> rows, IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        context.Console.MarkupLine(context.Environment.DotEnvPath is { } dotEnv
            ? $"Settings from the environment and [bold]{Markup.Escape(dotEnv)}[/] (the environment wins); flags of each command win over both."
            : "Settings from the environment (no .env file found in this folder or above it); flags of each command win over both.");

        // Names and values stay whole: when the descriptions would squeeze them past 100 columns, they are left out.
        var full = SettingsTable(rows, descriptions: true);
        if (CliTables.Fits(context.Console, full))
        {
            CliTables.Write(context.Console, full);
        }
        else
        {
            CliTables.Write(context.Console, SettingsTable(rows, descriptions: false));
            context.Console.MarkupLine("[dim]What each setting does is left out to fit 100 columns: `discernus config --format json` lists it, and docs/user-guide.md explains it.[/]");
        }

        foreach (var warning in warnings)
        {
            context.Console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }

        foreach (var error in errors)
        {
            context.Console.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
        }
    }

    private static Table SettingsTable(List<SettingRow> rows, bool descriptions)
    {
        var table = new Table().AddColumn(new TableColumn("setting").NoWrap()).AddColumns("value", "source");
        if (descriptions)
        {
            table.AddColumn("what it does");
        }

        foreach (var group in rows.GroupBy(r => r.Component))
        {
            table.AddRow([$"[bold]{Markup.Escape(group.Key)}[/]", "", "", .. descriptions ? [""] : Array.Empty<string>()]);
            foreach (var row in group)
            {
                table.AddRow([
                    Markup.Escape(row.Name),
                    row.Value is { } v ? Markup.Escape(v) : $"[dim]{Markup.Escape(row.Default)}[/]",
                    row.Source == SettingValues.DefaultSource ? "[dim]default[/]" : Markup.Escape(row.Source),
                    .. descriptions ? [Markup.Escape(row.Description)] : Array.Empty<string>()]);
            }
        }

        return table;
    }
}
