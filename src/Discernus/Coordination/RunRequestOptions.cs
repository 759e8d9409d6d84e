namespace Discernus.Coordination;

/// <summary>Keys of <see cref="RunRequest.Options"/> that the CLI sets and the Orchestrator reads.</summary>
internal static class RunRequestOptions
{
    /// <summary>"refresh" for <c>run --no-cache</c> (every answer asked fresh); absent or "use" otherwise.</summary>
    public const string Cache = "cache";

    /// <summary>"batch" for `run --batch` (or <c>mode: batch</c> in the experiment): the analyses go through the provider's batch API.</summary>
    public const string Mode = "mode";

    /// <summary>The <see cref="Mode"/> value of a batch run.</summary>
    public const string BatchMode = "batch";

    /// <summary>
    /// Hash of the documents' readings (Provenance.DocumentIntake) the submitter stored while it validated them: run
    /// setup takes the documents from the artifact store instead of reading them again.
    /// </summary>
    public const string DocumentReadings = "document_readings";

    /// <summary>"true" for `run --resume`: an existing run folder is continued in place.</summary>
    public const string Resume = "resume";

    /// <summary>First stage to do (`--from synthesis|report`); earlier stages are taken from <see cref="Source"/>.</summary>
    public const string From = "from";

    /// <summary>Last stage to do (`--to batch_analysis|synthesis|report`); later stages are skipped.</summary>
    public const string To = "to";

    /// <summary>The run folder whose recorded stages a `--from` run reuses.</summary>
    public const string Source = "source_run";

    /// <summary>`--pretest N`: documents in the pre-test's sample.</summary>
    public const string Pretest = "pretest";

    /// <summary>`--pretest-seed S`: chooses the sample (the same seed, the same sample).</summary>
    public const string PretestSeed = "pretest_seed";

    /// <summary>`--pretest-max-failure-rate X`: share of failed sampled answers above which the run stops.</summary>
    public const string PretestMaxFailureRate = "pretest_max_failure_rate";

    /// <summary>"true" for `run --calibrate`: the scores are calibrated to the gold file's coders (as `calibration: gold`).</summary>
    public const string Calibrate = "calibrate";
}
