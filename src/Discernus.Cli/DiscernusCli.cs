using System.CommandLine;
using Discernus.Cli.Commands;

namespace Discernus.Cli;

internal static class DiscernusCli
{
    public static RootCommand Build(CliContext context) =>
        new("Discernus: apply an analytical framework to a corpus with language models, with a verifiable audit trail\n\n" + ExitCodes.Help)
        {
            ValidateCommand.Create(context),
            ListCommand.Create(context),
            RunCommand.Create(context),
            VerifyCommand.Create(context),
            StatusCommand.Create(context),
            ExportCommand.Create(context),
            LogsCommand.Create(context),
            WorkerCommand.Create(context),
            DebugCommand.Create(context),
            EstimateCommand.Create(context),
            CostsCommand.Create(context),
            DevCommand.Create(context),
            ConfigCommand.Create(context),
            DoctorCommand.Create(context),
            ServeCommand.Create(context),
            AgentCommand.Create(context),
        };

    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parse = Build(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine($"error: {error.Message}");
            }

            context.Error.WriteLine("Run `discernus --help` for usage.");
            return ExitCodes.Usage;
        }

        // Settings are checked before any work: a bad value stops here with its name and source, a misspelt name warns.
        // `config` reports them itself, and help needs none.
        if (parse.CommandResult.Command is not RootCommand && parse.CommandResult.Command.Name != "config" && parse.Action is not System.CommandLine.Help.HelpAction
            && !CheckSettings(context))
        {
            return ExitCodes.Usage;
        }

        return await InvokeParsedAsync(parse, context, cancellationToken);
    }

    /// <summary>Runs the parsed command, turning the failures a user can act on into one error line and an exit code.</summary>
    private static async Task<int> InvokeParsedAsync(ParseResult parse, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            // A child agent process handles (ignores) its own signals: its worker decides when it stops.
            var termination = parse.CommandResult.Command.Name == AgentCommand.Name ? (TimeSpan?)null : TimeSpan.FromSeconds(45);
            return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error, ProcessTerminationTimeout = termination, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Configuration.SettingException ex)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (Application.Failures.Actionable(ex))
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (StackExchange.Redis.RedisConnectionException ex)
        {
            context.Error.WriteLine($"error: cannot reach Redis ({ex.FailureType}): check DISCERNUS_REDIS_URL and that the server is running.");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Last line of defence: one paragraph, no stack trace; the type helps a bug report.
            context.Error.WriteLine($"error: unexpected {ex.GetType().Name}: {ex.Message}. Please report this with the command you ran.");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Writes the settings' warnings and errors; false when a command must not start.</summary>
    private static bool CheckSettings(CliContext context)
    {
        var (errors, warnings) = Configuration.SettingCatalog.Check(context.Environment.Values);
        foreach (var warning in warnings)
        {
            context.Error.WriteLine($"warning: {warning}");
        }

        if (errors.Count > 0)
        {
            errors.ToList().ForEach(e => context.Error.WriteLine($"error: {e}"));
            context.Error.WriteLine("`discernus config` shows every setting with its value and where it came from.");
            return false;
        }

        return true;
    }
}
