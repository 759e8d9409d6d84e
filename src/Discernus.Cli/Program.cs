using Discernus.Cli;
using Spectre.Console;

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Logs and pipes should get whole lines, not lines wrapped at 80 columns.
    console.Profile.Width = 240;
}

var context = new CliContext
{
    Console = console,
    Out = Console.Out,
    Error = Console.Error,
    Environment = CliEnvironment.Load(Directory.GetCurrentDirectory()),
    Interactive = !Console.IsOutputRedirected,
};
return await DiscernusCli.InvokeAsync(args, context);
