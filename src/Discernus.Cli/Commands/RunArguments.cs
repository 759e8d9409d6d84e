using System.CommandLine;
using System.Globalization;
using Discernus.Application;
using Discernus.Models;

namespace Discernus.Cli.Commands;

/// <summary>`discernus run`'s argument and options, defined once and read by <see cref="RunCommand"/>.</summary>
internal sealed class RunArguments
{
    public Argument<string?> Path { get; } = new Argument<string?>("experiment") { Description = "Path of the experiment folder", Arity = ArgumentArity.ZeroOrOne }.WithUsablePath();
    public Option<string?> Resume { get; } = new Option<string?>("--resume") { Description = "Continue an interrupted, failed or cancelled run in place (path of its run folder); only analyses without a recorded result are done" }.WithUsablePath();
    public Option<string?> Model { get; } = new("--model", "-m") { Description = $"Model to use ({string.Join(", ", ModelName.ValidForms)})" };
    public Option<string?> Models { get; } = new("--models") { Description = "Several models, comma-separated: each document is analysed by each, and the report compares them (reliability between models)" };
    public Option<int?> Runs { get; } = Validated(new Option<int?>("--runs") { Description = "Analyse each document N times per model (1-100; overrides runs_per_model): the report gives the reliability between runs" },
        n => RunRules.RunsProblem(n, "--runs"));
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Validate and set up the run folder only; no model is called" };
    public Option<int?> Concurrency { get; } = ConcurrencyOption.Create("Tasks processed at once by the in-process workers (1-256, default 8)");
    public Option<bool> NoLocalWorkers { get; } = new("--no-local-workers") { Description = "Leave all agent tasks to `discernus worker` processes (needs DISCERNUS_REDIS_URL)" };
    public Option<string?> From { get; } = new Option<string?>("--from") { Description = "Start at this stage (synthesis or report), taking the earlier ones from a finished run of the same framework and documents: no model is asked to analyse again" }
        .AcceptingOnly([.. RunChoices.FromStages]);
    public Option<string?> To { get; } = new Option<string?>("--to") { Description = "Stop after this stage (batch_analysis, synthesis or report)" }
        .AcceptingOnly([.. RunChoices.ToStages]);
    public Option<string?> Source { get; } = new Option<string?>("--source") { Description = "With --from: the run folder whose stages are reused (default: the latest run of the experiment that finished them)" }.WithUsablePath();
    public Option<bool> Batch { get; } = new("--batch") { Description = "Send the analyses through the provider's batch API (OpenAI-compatible endpoints, Anthropic): about half the price, results within 24 h, no live progress; `run --resume` picks the batches up after a restart" };
    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Ask the model for every answer, even when the response cache holds a validated one (answers that pass validation replace it)" };
    public Option<int?> Pretest { get; } = Validated(new Option<int?>("--pretest") { Description = "Analyse a seeded random sample of N documents first and stop before the full run when a dimension does not discriminate (zero variance), too many answers fail, or the cost extrapolated from the sample's tokens exceeds the budget; the full run reuses the sample's answers" },
        n => n is { } size && size < 2 ? $"--pretest needs at least 2 documents (a spread needs two scores), not {size}." : null);
    public Option<int?> PretestSeed { get; } = new("--pretest-seed") { Description = "Seed that chooses the pre-test's sample (default 1): the same seed and corpus give the same sample" };
    public Option<double?> PretestMaxFailureRate { get; } = Validated(new Option<double?>("--pretest-max-failure-rate") { Description = "Share of failed sampled answers above which the pre-test stops the run (0-1, default 0.2)" },
        x => x is { } share && (double.IsNaN(share) || share < 0 || share > 1) ? $"--pretest-max-failure-rate must be a share from 0 to 1 (e.g. 0.2), not {share.ToString(CultureInfo.InvariantCulture)}." : null);
    public Option<bool> Calibrate { get; } = new("--calibrate") { Description = "Calibrate the scores to the gold file's coders (as `calibration: gold`): a map from the model's scores to the coders' scale, learnt on the coded documents and cross-fitted so a coded document is never scored by a map that saw it; the report shows raw and calibrated agreement" };
    public Option<string> Isolation { get; } = IsolationOption.Create();
    public Option<string> Format { get; } = JsonSummaryFormat();

    public Command Command() => new("run", "Run an experiment: validation, run setup, batch analysis, synthesis, report")
    {
        Path, Model, Models, Runs, DryRun, Concurrency, NoLocalWorkers, NoCache, Batch, Resume, From, To, Source, Pretest, PretestSeed, PretestMaxFailureRate, Calibrate, Format, Isolation,
    };

    /// <summary>The choices the application layer turns into the run request's options.</summary>
    public RunChoices Choices(ParseResult parse) => new()
    {
        NoCache = parse.GetValue(NoCache),
        Batch = parse.GetValue(Batch),
        Calibrate = parse.GetValue(Calibrate),
        Pretest = parse.GetValue(Pretest),
        PretestSeed = parse.GetValue(PretestSeed),
        PretestMaxFailureRate = parse.GetValue(PretestMaxFailureRate),
        From = parse.GetValue(From),
        To = parse.GetValue(To),
        DryRun = parse.GetValue(DryRun),
        ModelsNamed = parse.GetValue(Model) is not null || parse.GetValue(Models) is not null || parse.GetValue(Runs) is not null,
    };

    private static Option<T> Validated<T>(Option<T> option, Func<T?, string?> problem)
    {
        option.Validators.Add(result =>
        {
            if (problem(result.GetValueOrDefault<T>()) is { } message)
            {
                result.AddError(message);
            }
        });
        return option;
    }

    private static Option<string> JsonSummaryFormat()
    {
        var format = CommandOutput.FormatOption();
        format.Description = "Output format of the summary: text, or json (one object on standard output; progress goes to standard error)";
        return format;
    }
}

internal static class OptionExtensions
{
    public static Option<string?> AcceptingOnly(this Option<string?> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
