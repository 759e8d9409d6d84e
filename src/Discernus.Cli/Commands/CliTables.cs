using Spectre.Console;
using Spectre.Console.Rendering;

namespace Discernus.Cli.Commands;

/// <summary>
/// Every table the CLI prints is at most <see cref="MaxWidth"/> columns wide, whatever the console: piped output is
/// 240 columns wide (whole log lines), and a table that wide is unreadable in a terminal, a log viewer or a pull request.
/// A wider table wraps its cells; a narrower one keeps its natural width.
/// </summary>
internal static class CliTables
{
    public const int MaxWidth = 100;

    /// <summary>Whether the table fits <see cref="MaxWidth"/> columns without wrapping a cell.</summary>
    public static bool Fits(IAnsiConsole console, Table table) => Natural(console, table) <= MaxWidth;

    public static void Write(IAnsiConsole console, Table table)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(table);
        if (Natural(console, table) > MaxWidth)
        {
            table.Width = Math.Min(MaxWidth, console.Profile.Width);
        }

        console.Write(table);
    }

    private static int Natural(IAnsiConsole console, Table table) =>
        ((IRenderable)table).Measure(RenderOptions.Create(console), console.Profile.Width).Max;
}
