using Discernus.Experiments;
using System.CommandLine;
using Discernus.Orchestration;
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
        command.SetAction((parse, _) =>
        {
            var report = context.ReadExperiment(parse.GetValue(path)!, readDocuments: false);
            if (!report.IsValid)
            {
                FindingsPrinter.Print(context.Console, report);
                return Task.FromResult(report.ExitCode);
            }

            var models = ModelSelection.Resolve(parse.GetValue(model), report.Experiment!, context.Environment.Values);
            var badNames = models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList();
            if (badNames.Count > 0)
            {
                badNames.ForEach(p => context.Error.WriteLine($"error: {p}"));
                return Task.FromResult(ExitCodes.Invalid);
            }

            // One read of each document both checks it and counts its tokens.
            var tokens = new CorpusTokens(models.Names);
            var (documentFindings, _) = new ExperimentReader(report.Experiment!.Limits).ReadDocuments(report.Experiment, tokens.Observe);
            report = ExperimentValidator.WithDocumentFindings(report, documentFindings);
            if (!report.IsValid)
            {
                FindingsPrinter.Print(context.Console, report);
                return Task.FromResult(report.ExitCode);
            }

            context.Console.MarkupLine($"[bold]{Markup.Escape(report.Experiment!.Name)}[/], model(s) {Markup.Escape(string.Join(", ", models.Names))} ({models.Source})");
            EstimatePrinter.Print(context.Console, report.Experiment, models.Names, CostEstimator.Estimate(report.Experiment, models.Names, tokens), detailed: true);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
