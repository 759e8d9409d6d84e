using System.CommandLine;
using Discernus.Orchestration;

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
            var report = await Doctor.ExamineAsync(
                new DoctorOptions
                {
                    Environment = context.Environment.Values,
                    ExperimentPath = parse.GetValue(experiment),
                    WorkingDirectory = Directory.GetCurrentDirectory(),
                },
                context.TimeProvider,
                ct);
            context.Out.Write(parse.GetValue(format) == "json" ? report.ToJson() + Environment.NewLine : report.ToText());
            return report.Healthy ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
