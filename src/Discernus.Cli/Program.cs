using Discernus.Cli;
using Spectre.Console;

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Logs and pipes should get whole lines, not lines wrapped at 80 columns.
    console.Profile.Width = 240;
}

CliEnvironment environment;
try
{
    environment = CliEnvironment.Load(Directory.GetCurrentDirectory());
}
catch (Discernus.Configuration.SettingException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.Usage;
}

var context = new CliContext
{
    Console = console,
    Out = Console.Out,
    Error = Console.Error,
    Environment = environment,
    Interactive = !Console.IsOutputRedirected,
};
return await DiscernusCli.InvokeAsync(args, context);
