using System.CommandLine;
using Discernus.Cli.Commands;

namespace Discernus.Cli;

internal static class DiscernusCli
{
    public static RootCommand Build(CliContext context) =>
        new("Discernus: apply an analytical framework to a corpus with language models, with a verifiable audit trail")
        {
            ValidateCommand.Create(context),
            ListCommand.Create(context),
            RunCommand.Create(context),
            VerifyCommand.Create(context),
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

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error }, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is Artifacts.ArtifactStoreConfigurationException or Artifacts.ArtifactCorruptedException or IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
