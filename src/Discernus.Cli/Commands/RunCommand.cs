using System.CommandLine;
using System.Globalization;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Spectre.Console;

namespace Discernus.Cli.Commands;

internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string?>("experiment") { Description = "Path of the experiment folder", Arity = ArgumentArity.ZeroOrOne }.WithUsablePath();
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted, failed or cancelled run in place (path of its run folder); only analyses without a recorded result are done" }.WithUsablePath();
        var model = new Option<string?>("--model", "-m") { Description = "Model to use (lexicon, minilm, openai/<m>, anthropic/<m>, gemini/<m>, ollama/<m>, openrouter/<m>, openai-compatible/<m>)" };
        var modelList = new Option<string?>("--models") { Description = "Several models, comma-separated: each document is analysed by each, and the report compares them (reliability between models)" };
        var runs = new Option<int?>("--runs") { Description = "Analyse each document N times per model (1-100; overrides runs_per_model): the report gives the reliability between runs" };
        runs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && (n < 1 || n > 100))
            {
                result.AddError($"--runs must be a whole number from 1 to 100, not {n}.");
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and set up the run folder only; no model is called" };
        var concurrency = ConcurrencyOption.Create("Tasks processed at once by the in-process workers (1-256, default 8)");
        var noLocalWorkers = new Option<bool>("--no-local-workers") { Description = "Leave all agent tasks to `discernus worker` processes (needs DISCERNUS_REDIS_URL)" };
        var from = new Option<string?>("--from") { Description = "Start at this stage (synthesis or report), taking the earlier ones from a finished run of the same framework and documents: no model is asked to analyse again" };
        from.AcceptOnlyFromAmong(StageNames.Synthesis, StageNames.Report);
        var to = new Option<string?>("--to") { Description = "Stop after this stage (batch_analysis, synthesis or report)" };
        to.AcceptOnlyFromAmong(StageNames.BatchAnalysis, StageNames.Synthesis, StageNames.Report);
        var source = new Option<string?>("--source") { Description = "With --from: the run folder whose stages are reused (default: the latest run of the experiment that finished them)" }.WithUsablePath();
        var batch = new Option<bool>("--batch") { Description = "Send the analyses through the provider's batch API (OpenAI-compatible endpoints, Anthropic): about half the price, results within 24 h, no live progress; `run --resume` picks the batches up after a restart" };
        var noCache = new Option<bool>("--no-cache") { Description = "Ask the model for every answer, even when the response cache holds a validated one (answers that pass validation replace it)" };
        var pretest = new Option<int?>("--pretest") { Description = "Analyse a seeded random sample of N documents first and stop before the full run when a dimension does not discriminate (zero variance), too many answers fail, or the cost extrapolated from the sample's tokens exceeds the budget; the full run reuses the sample's answers" };
        pretest.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n < 2)
            {
                result.AddError($"--pretest needs at least 2 documents (a spread needs two scores), not {n}.");
            }
        });
        var pretestSeed = new Option<int?>("--pretest-seed") { Description = "Seed that chooses the pre-test's sample (default 1): the same seed and corpus give the same sample" };
        var pretestMaxFailureRate = new Option<double?>("--pretest-max-failure-rate") { Description = "Share of failed sampled answers above which the pre-test stops the run (0-1, default 0.2)" };
        pretestMaxFailureRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } x && (double.IsNaN(x) || x < 0 || x > 1))
            {
                result.AddError($"--pretest-max-failure-rate must be a share from 0 to 1 (e.g. 0.2), not {x.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        var calibrate = new Option<bool>("--calibrate") { Description = "Calibrate the scores to the gold file's coders (as `calibration: gold`): a map from the model's scores to the coders' scale, learnt on the coded documents and cross-fitted so a coded document is never scored by a map that saw it; the report shows raw and calibrated agreement" };
        var isolation = IsolationOption.Create();
        var format = CommandOutput.FormatOption();
        format.Description = "Output format of the summary: text, or json (one object on standard output; progress goes to standard error)";
        var command = new Command("run", "Run an experiment: validation, run setup, batch analysis, synthesis, report")
        {
            path, model, modelList, runs, dryRun, concurrency, noLocalWorkers, noCache, batch, resume, from, to, source, pretest, pretestSeed, pretestMaxFailureRate, calibrate, format, isolation,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(format) != "json")
            {
                return await ExecuteAsync(context, parse, ct);
            }

            var (jsonContext, errors) = RunSummary.ForJson(context);
            var exit = await ExecuteAsync(jsonContext, parse, ct);
            if (exit != ExitCodes.Success && !jsonContext.SummaryWritten)
            {
                var message = string.Join(" ", errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.StartsWith("error: ", StringComparison.Ordinal) ? l["error: ".Length..] : l));
                CommandOutput.Error(context, json: true, exit, message.Length > 0 ? message : "the run did not start (see the findings on standard error)");
            }

            return exit;
        });
        return command;

        async Task<int> ExecuteAsync(CliContext context, ParseResult parse, CancellationToken ct)
        {
            if (parse.GetValue(noLocalWorkers) && context.Environment.Redis.Url is null)
            {
                context.Error.WriteLine("error: --no-local-workers needs an external Redis that workers share: set DISCERNUS_REDIS_URL and start `discernus worker` processes.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(noLocalWorkers) && parse.GetValue(isolation) == AgentIsolationMode.Process)
            {
                context.Error.WriteLine("error: --isolation applies to this run's local workers, and --no-local-workers starts none: start the workers with `discernus worker --isolation process` instead.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(resume) is { } runFolder)
            {
                if (parse.GetValue(path) is not null || parse.GetValue(model) is not null || parse.GetValue(modelList) is not null || parse.GetValue(runs) is not null || parse.GetValue(dryRun) || parse.GetValue(pretest) is not null || parse.GetValue(calibrate))
                {
                    context.Error.WriteLine("error: --resume continues a run with the experiment, model and settings it started with: give only the run folder (`discernus run --resume projects/<experiment>/runs/<run_id>`).");
                    return ExitCodes.Usage;
                }

                return await RunPipeline.ResumeAsync(context, runFolder, parse.GetValue(concurrency), !parse.GetValue(noLocalWorkers), ct, parse.GetValue(isolation));
            }

            if (parse.GetValue(path) is not { } experimentPath)
            {
                context.Error.WriteLine("error: name the experiment folder to run (`discernus run projects/<experiment>`), or a run folder to continue with --resume.");
                return ExitCodes.Usage;
            }

            // The documents' content is read once, further down, with the store and the models at hand.
            var report = context.ReadExperiment(experimentPath, readDocuments: false);
            if (!report.IsValid)
            {
                return Invalid(report);
            }

            if (parse.GetValue(model) is not null && parse.GetValue(modelList) is not null)
            {
                context.Error.WriteLine("error: use either --model or --models, not both (--models a,b,c names several).");
                return ExitCodes.Usage;
            }

            var models = ModelSelection.Resolve(parse.GetValue(modelList) ?? parse.GetValue(model), report.Experiment!, context.Environment.Values);
            if (parse.GetValue(runs) is { } runCount)
            {
                models = models with { RunsPerModel = runCount };
            }

            var runOptions = new Dictionary<string, string> { [RunRequestOptions.Cache] = parse.GetValue(noCache) ? Models.CacheModes.Refresh : Models.CacheModes.Use };
            if (parse.GetValue(batch))
            {
                runOptions[RunRequestOptions.Mode] = RunRequestOptions.BatchMode;
            }
            if (parse.GetValue(calibrate))
            {
                if (report.Experiment!.Gold.Count == 0)
                {
                    context.Error.WriteLine($"error: --calibrate maps the model's scores to the coders' scale, learnt from the gold file, and {report.Experiment.Name} has none with ratings: code a sample of documents into gold.csv beside the experiment (`discernus serve` writes it), or name one as components.gold.");
                    return ExitCodes.Usage;
                }

                runOptions[RunRequestOptions.Calibrate] = "true";
            }

            if (parse.GetValue(pretest) is { } sampleSize)
            {
                if (parse.GetValue(from) is not null || parse.GetValue(dryRun))
                {
                    context.Error.WriteLine("error: --pretest analyses a sample before the full run; --from (which analyses nothing) and --dry-run (which calls no model) leave it nothing to do.");
                    return ExitCodes.Usage;
                }

                runOptions[RunRequestOptions.Pretest] = sampleSize.ToString(CultureInfo.InvariantCulture);
                runOptions[RunRequestOptions.PretestSeed] = (parse.GetValue(pretestSeed) ?? 1).ToString(CultureInfo.InvariantCulture);
                runOptions[RunRequestOptions.PretestMaxFailureRate] = (parse.GetValue(pretestMaxFailureRate) ?? Orchestrator.DefaultPretestMaxFailureRate).ToString("R", CultureInfo.InvariantCulture);
            }
            else if (parse.GetValue(pretestSeed) is not null || parse.GetValue(pretestMaxFailureRate) is not null)
            {
                context.Error.WriteLine("error: --pretest-seed and --pretest-max-failure-rate set up a pre-test: add --pretest N (the number of documents to sample).");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(to) is { } last)
            {
                runOptions[RunRequestOptions.To] = last;
            }

            if (parse.GetValue(from) is { } first)
            {
                if (parse.GetValue(to) is { } stop && StageNames.InOrder.ToList().IndexOf(stop) < StageNames.InOrder.ToList().IndexOf(first))
                {
                    context.Error.WriteLine($"error: --to {stop} comes before --from {first}.");
                    return ExitCodes.Usage;
                }

                if (parse.GetValue(model) is not null || parse.GetValue(modelList) is not null || parse.GetValue(runs) is not null || parse.GetValue(dryRun))
                {
                    context.Error.WriteLine("error: --from reuses the analyses of an earlier run, made with its models and runs: --model, --models, --runs and --dry-run do not apply.");
                    return ExitCodes.Usage;
                }

                var needed = first == StageNames.Synthesis ? StageNames.BatchAnalysis : StageNames.Synthesis;
                string? sourceFolder;
                if (parse.GetValue(source) is { } given)
                {
                    sourceFolder = CommandOutput.ResolveRunFolder(given, out var problem);
                    if (sourceFolder is null)
                    {
                        context.Error.WriteLine($"error: --source: {problem}");
                        return ExitCodes.FileMissing;
                    }
                }
                else
                {
                    sourceFolder = PartialRuns.LatestWith(report.Experiment!.Directory, needed);
                }

                if (sourceFolder is null)
                {
                    context.Error.WriteLine($"error: --from {first} needs a run of this experiment whose {StageNames.Title(needed)} finished, and there is none; run the experiment first, or name one with --source.");
                    return ExitCodes.Usage;
                }

                var sourceManifest = RunFolder.ReadManifest(Path.Combine(sourceFolder, RunFolder.ManifestFileName));
                models = sourceManifest.Models! with { Source = $"reused from run {sourceManifest.RunId}" };
                runOptions[RunRequestOptions.From] = first;
                runOptions[RunRequestOptions.Source] = sourceFolder;
            }

            if (parse.GetValue(dryRun) && models.Names.Select(ModelNameCheck.Problem).OfType<string>().ToList() is { Count: > 0 } badNames)
            {
                badNames.ForEach(p => context.Error.WriteLine($"error: {p}"));
                return ExitCodes.Invalid;
            }

            // Each document is read, checked, hashed, stored and its tokens counted here, once; run setup takes it
            // from the store by the hashes passed on.
            var store = await ArtifactStoreFactory.CreateAsync(ArtifactStoreOptions.For(report.Experiment!.Directory, context.Environment.Values), context.TimeProvider, cancellationToken: ct);
            var documents = await RunPlanner.ReadDocumentsAsync(report, models.Names, store, ct);
            report = documents.Report;
            if (!report.IsValid)
            {
                return Invalid(report);
            }

            if (!parse.GetValue(dryRun))
            {
                foreach (var (key, value) in await RunPlanner.PassOnAsync(documents.Readings, store, ct))
                {
                    runOptions[key] = value;
                }

                // The run reads its documents from its manifest: the validated corpus (an entry per document) and the
                // readings are not kept by this method for the run's length.
                var validated = report;
                var tokens = documents.Tokens;
                report = null!;
                documents = null!;
                return await RunPipeline.ExecuteAsync(context, validated, models, parse.GetValue(concurrency), !parse.GetValue(noLocalWorkers), ct, runOptions, parse.GetValue(isolation), tokens);
            }

            var (folder, _) = await new RunSetup(store, context.TimeProvider).SetUpAsync(new RunSetupRequest
            {
                Validation = report,
                Prompts = PromptLibrary.All(),
                Models = models,
                SoftwareVersion = PromptLibrary.SoftwareVersion,
                Documents = documents.Readings,
            }, ct);
            await folder.UpdateManifestAsync(m => m with { Status = RunStatus.SetUp }, ct);
            var manifest = folder.ReadManifest();
            context.Console.MarkupLine($"[green]✓[/] dry run: validated and set up {manifest.Documents.Count} document(s), {manifest.Prompts.Count} prompt(s), {manifest.Files.Count} hashed file(s); no model was called.");
            context.Console.MarkupLine($"  model (planned): {Markup.Escape(string.Join(", ", models.Names))} ({models.Source})");
            context.Console.MarkupLine($"  artifact store: {Markup.Escape(store.Description)}");
            EstimatePrinter.Print(context.Console, report.Experiment!, models.Names, CostEstimator.Estimate(report.Experiment!, models.Names, documents.Tokens), detailed: true);
            context.Out.WriteLine(folder.Path);
            if (context.JsonSummary is { } drySummary)
            {
                context.MarkSummaryWritten();
                drySummary.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { manifest.RunId, manifest.Status, ExitCode = ExitCodes.Success, RunFolder = folder.Path, DryRun = true, Models = models.Names, models.RunsPerModel }, DiscernusJson.Indented));
            }

            return ExitCodes.Success;

            int Invalid(ValidationReport invalid)
            {
                FindingsPrinter.Print(context.Console, invalid);
                if (context.JsonSummary is { } invalidSummary)
                {
                    context.MarkSummaryWritten();
                    invalidSummary.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        Error = new
                        {
                            invalid.ExitCode,
                            Kind = ExitCodes.Kind(invalid.ExitCode),
                            Message = $"the experiment is not valid: {invalid.Blocking.Count()} blocking problem(s); nothing was run",
                            Findings = invalid.Blocking.Select(f => new { f.Code, f.File, f.Field, f.Line, f.Message, f.Fix }),
                        },
                    }, DiscernusJson.Indented));
                }

                return invalid.ExitCode;
            }
        }
    }
}
