using System.CommandLine;
using Discernus.Application;

namespace Discernus.Cli.Commands;

internal static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var experiment = new Argument<string?>("experiment")
        {
            Description = "Optional experiment folder: check the artifact store and models that `discernus run` of it would use",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("doctor", "Check Redis (or the embedded server), the artifact store and the model settings, and say what to fix") { experiment, format };
        command.SetAction(async (parse, ct) =>
        {
            var report = await OperationsService.DoctorAsync(context.Workspace, parse.GetValue(experiment), Directory.GetCurrentDirectory(), ct);
            context.Out.Write(parse.GetValue(format) == "json" ? report.Json + Environment.NewLine : report.Text);
            return report.Ok ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
