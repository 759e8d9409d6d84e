using System.Globalization;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// What a new run's request asks for beyond the experiment: a partial run (`--from`, `--to`, `--source`), a pre-test,
/// a calibration. Each option is checked here, so a run set up with them can trust them.
/// </summary>
internal static class RunPlanReader
{
    /// <summary>The plan a new run's request asks for, checked against its source run; null for a whole run.</summary>
    public static ManifestPlan? PlanOf(RunRequest request)
    {
        var from = request.Options?.GetValueOrDefault(RunRequestOptions.From);
        var to = request.Options?.GetValueOrDefault(RunRequestOptions.To);
        var pretest = PretestOf(request);
        if (from is null && to is null)
        {
            return pretest is null ? null : new ManifestPlan { Pretest = pretest };
        }

        if (pretest is not null && from is not null)
        {
            throw new RunFailedException("--pretest samples documents to analyse, and --from analyses none: use one or the other");
        }

        var reused = from switch
        {
            null => [],
            StageNames.Synthesis => new[] { StageNames.BatchAnalysis },
            StageNames.Report => [StageNames.BatchAnalysis, StageNames.Synthesis],
            _ => throw new RunFailedException($"--from {from} is not a stage a run can start from; use synthesis or report"),
        };
        var source = request.Options?.GetValueOrDefault(RunRequestOptions.Source);
        if (reused.Length > 0 && source is null)
        {
            throw new RunFailedException($"--from {from} needs the run whose earlier stages it reuses");
        }

        return new ManifestPlan
        {
            ReusedStages = reused,
            SourceRunFolder = source,
            SourceRunId = source is null ? null : RunFolder.ReadManifest(Path.Combine(source, RunFolder.ManifestFileName)).RunId,
            StopAfter = to,
            Pretest = pretest,
        };
    }

    /// <summary>The validity rule and the calibration of a new run: the experiment's settings, `--calibrate` when it sets none.</summary>
    public static ManifestValidity ValidityOf(Experiments.Experiment experiment, RunRequest request)
    {
        var flag = request.Options?.GetValueOrDefault(RunRequestOptions.Calibrate) == "true";
        var calibration = experiment.Calibration ?? (flag ? new Experiments.CalibrationSettings() : null);
        if (calibration is not null && experiment.Gold.Count == 0)
        {
            throw new RunFailedException("--calibrate maps the model's scores to the coders' scale, but the experiment has no gold file with ratings (components.gold, or gold.csv beside the experiment): code a sample of documents first, e.g. with `discernus serve`");
        }

        return new ManifestValidity
        {
            Validation = experiment.Validation ?? new Experiments.ValiditySettings(),
            Calibration = calibration,
            CalibrationSource = calibration is null ? null : experiment.Calibration is not null ? "experiment" : "flag",
        };
    }

    /// <summary>The pre-test a request asks for (`--pretest N [--pretest-seed S] [--pretest-max-failure-rate X]`), checked.</summary>
    private static ManifestPretest? PretestOf(RunRequest request)
    {
        if (request.Options?.GetValueOrDefault(RunRequestOptions.Pretest) is not { } sizeText)
        {
            return null;
        }

        var options = request.Options;
        if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 2)
        {
            throw new RunFailedException($"--pretest needs a number of documents of at least 2 (a spread needs two scores), not '{sizeText}'");
        }

        var seed = 1;
        if (options.GetValueOrDefault(RunRequestOptions.PretestSeed) is { } seedText && !int.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
        {
            throw new RunFailedException($"--pretest-seed must be a whole number, not '{seedText}'");
        }

        var maxFailureRate = Orchestrator.DefaultPretestMaxFailureRate;
        if (options.GetValueOrDefault(RunRequestOptions.PretestMaxFailureRate) is { } rateText
            && (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out maxFailureRate) || maxFailureRate is < 0 or > 1 || double.IsNaN(maxFailureRate)))
        {
            throw new RunFailedException($"--pretest-max-failure-rate must be a share from 0 to 1 (e.g. 0.2), not '{rateText}'");
        }

        return new ManifestPretest { SampleSize = size, Seed = seed, MaxFailureRate = maxFailureRate };
    }
}
