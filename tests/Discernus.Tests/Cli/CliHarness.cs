using Discernus.Cli;
using Spectre.Console;

namespace Discernus.Tests.Cli;

/// <summary>Runs the discernus command in-process with captured output and an environment made only of given values.</summary>
internal sealed class CliHarness
{
    private readonly StringWriter _console = new();

    public CliHarness(IReadOnlyDictionary<string, string?>? environment = null, TimeProvider? timeProvider = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_console),
        });
        console.Profile.Width = 240;
        Context = new CliContext
        {
            Console = console,
            Out = Out,
            Error = Error,
            Environment = CliEnvironment.FromValues(environment ?? new Dictionary<string, string?>()),
            TimeProvider = timeProvider ?? TimeProvider.System,
            Interactive = false,
        };
    }

    public CliContext Context { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    /// <summary>What Spectre wrote (findings, summaries).</summary>
    public string ConsoleText => _console.ToString();

    public string AllText => $"{ConsoleText}\n--- out ---\n{Out}\n--- error ---\n{Error}";

    public Task<int> RunAsync(params string[] args) => DiscernusCli.InvokeAsync(args, Context);
}
