using System.Globalization;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;

namespace Discernus.Application;

/// <summary>What the person starting a run chose beyond the experiment and its models (`discernus run`'s flags).</summary>
public sealed record RunChoices
{
    /// <summary>The stages a run can start at (<see cref="From"/>), taking the earlier ones from a finished run.</summary>
    public static IReadOnlyList<string> FromStages { get; } = [StageNames.Synthesis, StageNames.Report];

    /// <summary>The stages a run can stop after (<see cref="To"/>).</summary>
    public static IReadOnlyList<string> ToStages { get; } = [StageNames.BatchAnalysis, StageNames.Synthesis, StageNames.Report];

    public bool NoCache { get; init; }
    public bool Batch { get; init; }
    public bool Calibrate { get; init; }
    public int? Pretest { get; init; }
    public int? PretestSeed { get; init; }
    public double? PretestMaxFailureRate { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public bool DryRun { get; init; }

    /// <summary>True when models or runs were named (--model, --models or --runs), which --from cannot honour.</summary>
    public bool ModelsNamed { get; init; }
}

/// <summary>
/// The run request's options from the person's choices, with the rules on which choices go together, and the dry run
/// (validated and set up, no model called): one place for the CLI and the browser.
/// </summary>
internal static class RunOptionRules
{
    /// <summary>The options of the run request, or the problem (a usage error) that stops it.</summary>
    public static (Dictionary<string, string> Options, string? Problem) OptionsFor(RunChoices choices, Experiment experiment)
    {
        var options = new Dictionary<string, string> { [RunRequestOptions.Cache] = choices.NoCache ? Models.CacheModes.Refresh : Models.CacheModes.Use };
        if (choices.Batch)
        {
            options[RunRequestOptions.Mode] = RunRequestOptions.BatchMode;
        }

        if (choices.Calibrate)
        {
            if (experiment.Gold.Count == 0)
            {
                return (options, $"--calibrate maps the model's scores to the coders' scale, learnt from the gold file, and {experiment.Name} has none with ratings: code a sample of documents into gold.csv beside the experiment (`discernus serve` writes it), or name one as components.gold.");
            }

            options[RunRequestOptions.Calibrate] = "true";
        }

        if (choices.Pretest is { } sampleSize)
        {
            if (choices.From is not null || choices.DryRun)
            {
                return (options, "--pretest analyses a sample before the full run; --from (which analyses nothing) and --dry-run (which calls no model) leave it nothing to do.");
            }

            options[RunRequestOptions.Pretest] = sampleSize.ToString(CultureInfo.InvariantCulture);
            options[RunRequestOptions.PretestSeed] = (choices.PretestSeed ?? 1).ToString(CultureInfo.InvariantCulture);
            options[RunRequestOptions.PretestMaxFailureRate] = (choices.PretestMaxFailureRate ?? Orchestrator.DefaultPretestMaxFailureRate).ToString("R", CultureInfo.InvariantCulture);
        }
        else if (choices.PretestSeed is not null || choices.PretestMaxFailureRate is not null)
        {
            return (options, "--pretest-seed and --pretest-max-failure-rate set up a pre-test: add --pretest N (the number of documents to sample).");
        }

        if (choices.To is { } last)
        {
            options[RunRequestOptions.To] = last;
        }

        if (choices.From is { } first)
        {
            if (choices.To is { } stop && StageNames.InOrder.ToList().IndexOf(stop) < StageNames.InOrder.ToList().IndexOf(first))
            {
                return (options, $"--to {stop} comes before --from {first}.");
            }

            if (choices.ModelsNamed || choices.DryRun)
            {
                return (options, "--from reuses the analyses of an earlier run, made with its models and runs: --model, --models, --runs and --dry-run do not apply.");
            }
        }

        return (options, null);
    }

    /// <summary>The stage a run starting at <paramref name="from"/> needs finished in the run it reuses.</summary>
    public static string NeededBefore(string from) => from == StageNames.Synthesis ? StageNames.BatchAnalysis : StageNames.Synthesis;

    /// <summary>
    /// Points the options at the run whose stages are reused and returns its models, marked as reused; null when
    /// there is no such run (`--from` then has nothing to start from).
    /// </summary>
    public static ManifestModels? ReuseFrom(Dictionary<string, string> options, string from, string? sourceFolder)
    {
        if (sourceFolder is null)
        {
            return null;
        }

        var sourceManifest = RunFolder.ReadManifest(Path.Combine(sourceFolder, RunFolder.ManifestFileName));
        options[RunRequestOptions.From] = from;
        options[RunRequestOptions.Source] = sourceFolder;
        return sourceManifest.Models! with { Source = $"reused from run {sourceManifest.RunId}" };
    }

    /// <summary>`run --dry-run`: validates and sets up the run folder (documents, prompts, hashed files); no model is called.</summary>
    public static async Task<(string Folder, RunManifest Manifest)> DryRunAsync(
        ValidationReport report, ManifestModels models, IArtifactStore store, IReadOnlyList<DocumentReading> readings, TimeProvider time, CancellationToken cancellationToken)
    {
        var (folder, _) = await new RunSetup(store, time).SetUpAsync(new RunSetupRequest
        {
            Validation = report,
            Prompts = PromptLibrary.All(),
            Models = models,
            SoftwareVersion = PromptLibrary.SoftwareVersion,
            Documents = readings,
        }, cancellationToken);
        await folder.UpdateManifestAsync(m => m with { Status = RunStatus.SetUp }, cancellationToken);
        return (folder.Path, folder.ReadManifest());
    }
}
