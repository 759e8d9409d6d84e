using System.CommandLine;
using Discernus.Application;
using Spectre.Console;

namespace Discernus.Cli.Commands;

/// <summary>`discernus estimate`: documents, tokens, calls and cost of a run before any model is called.</summary>
internal static class EstimateCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("experiment") { Description = "Path of the experiment folder" };
        var model = new Option<string?>("--model", "-m") { Description = "Model(s) to estimate for, comma-separated (default: as `run` would choose)" };
        var command = new Command("estimate", "Estimate documents, tokens, model calls and cost of a run, without calling any model") { path, model };
        command.SetAction((parse, ct) =>
        {
            var run = RunLauncher.Estimate(parse.GetValue(path)!, parse.GetValue(model), context.Workspace, ct);
            if (run.Report is { } invalid)
            {
                FindingsPrinter.Print(context.Console, invalid);
                return Task.FromResult(invalid.ExitCode);
            }

            if (run.Refusal != LaunchRefusal.None)
            {
                run.Problems.ToList().ForEach(p => context.Error.WriteLine($"error: {p}"));
                return Task.FromResult(ExitCodes.Invalid);
            }

            context.Console.MarkupLine($"[bold]{Markup.Escape(run.ExperimentName)}[/], model(s) {Markup.Escape(string.Join(", ", run.Models))} ({run.ModelSource})");
            EstimatePrinter.Print(context.Console, run.Estimate!, detailed: true);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
