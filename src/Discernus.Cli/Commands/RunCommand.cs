using System.CommandLine;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("experiment") { Description = "Path of the experiment folder" };
        var model = new Option<string?>("--model", "-m") { Description = "Model to use (lexicon, openai/<m>, anthropic/<m>, gemini/<m>, ollama/<m>, openrouter/<m>, openai-compatible/<m>)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and set up the run folder only; no model is called" };
        var concurrency = ConcurrencyOption.Create("Tasks processed at once by the in-process workers (1-256, default 8)");
        var noLocalWorkers = new Option<bool>("--no-local-workers") { Description = "Leave all agent tasks to `discernus worker` processes (needs DISCERNUS_REDIS_URL)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Ask the model for every answer, even when the response cache holds a validated one (answers that pass validation replace it)" };
        var refreshFailed = new Option<bool>("--refresh-failed")
        {
            Description = "Re-ask only the documents whose answers failed or are missing; validated answers come from the cache. This is what every run does (only validated answers are cached); the flag says so explicitly",
        };
        var command = new Command("run", "Run an experiment: validation, run setup, batch analysis, synthesis, report") { path, model, dryRun, concurrency, noLocalWorkers, noCache, refreshFailed };
        command.SetAction(async (parse, ct) =>
        {
            var report = context.ReadExperiment(parse.GetValue(path)!);
            if (!report.IsValid)
            {
                FindingsPrinter.Print(context.Console, report);
                return report.ExitCode;
            }

            var models = ModelSelection.Resolve(parse.GetValue(model), report.Experiment!, context.Environment.Values);
            if (parse.GetValue(noCache) && parse.GetValue(refreshFailed))
            {
                context.Error.WriteLine("error: --no-cache asks again for every answer and --refresh-failed only for failed ones; give one of them.");
                return ExitCodes.Usage;
            }

            if (!parse.GetValue(dryRun))
            {
                if (parse.GetValue(noLocalWorkers) && context.Environment["DISCERNUS_REDIS_URL"] is null)
                {
                    context.Error.WriteLine("error: --no-local-workers needs an external Redis that workers share: set DISCERNUS_REDIS_URL and start `discernus worker` processes.");
                    return ExitCodes.Usage;
                }

                var runOptions = new Dictionary<string, string> { [RunRequestOptions.Cache] = parse.GetValue(noCache) ? Models.CacheModes.Refresh : Models.CacheModes.Use };
                return await RunPipeline.ExecuteAsync(context, report, models, parse.GetValue(concurrency), !parse.GetValue(noLocalWorkers), ct, runOptions);
            }

            var badNames = models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList();
            if (badNames.Count > 0)
            {
                badNames.ForEach(p => context.Error.WriteLine($"error: {p}"));
                return ExitCodes.Invalid;
            }

            var store = ArtifactStoreFactory.Create(ArtifactStoreOptions.For(report.Experiment!.Directory, context.Environment.Values));
            var (folder, _) = await new RunSetup(store, context.TimeProvider).SetUpAsync(new RunSetupRequest
            {
                Validation = report,
                Prompts = PromptLibrary.All(),
                Models = models,
                SoftwareVersion = PromptLibrary.SoftwareVersion,
            }, ct);
            await folder.UpdateManifestAsync(m => m with { Status = RunStatus.SetUp }, ct);
            var manifest = folder.ReadManifest();
            context.Console.MarkupLine($"[green]✓[/] dry run: validated and set up {manifest.Documents.Count} document(s), {manifest.Prompts.Count} prompt(s), {manifest.Files.Count} hashed file(s); no model was called.");
            context.Console.MarkupLine($"  model (planned): {Markup.Escape(string.Join(", ", models.Names))} ({models.Source})");
            context.Console.MarkupLine($"  artifact store: {Markup.Escape(store.Description)}");
            EstimatePrinter.Print(context.Console, report.Experiment!, models.Names, CostEstimator.Estimate(report.Experiment!, models.Names), detailed: true);
            context.Out.WriteLine(folder.Path);
            return ExitCodes.Success;
        });
        return command;
    }
}
