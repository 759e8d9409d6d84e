namespace Discernus.Provenance;

/// <summary>
/// <c>manifest.json</c>: everything needed to trace every number of a run back to its exact inputs. Every input and
/// output appears in <see cref="Files"/> with its SHA-256 so <c>discernus verify</c> can re-hash the folder.
/// </summary>
public sealed record RunManifest
{
    public int ManifestVersion { get; init; } = 1;
    public required string RunId { get; init; }
    public required string Status { get; init; }
    public required string CreatedAt { get; init; }
    public string? FinishedAt { get; init; }
    public required ManifestExperiment Experiment { get; init; }
    public required ManifestSoftware Software { get; init; }
    public ManifestFramework? Framework { get; init; }
    public ManifestCorpus? Corpus { get; init; }
    /// <summary>The human-coding file (<c>components.gold</c>), when the experiment names one.</summary>
    public ManifestGold? Gold { get; init; }
    public IReadOnlyList<ManifestDocument> Documents { get; init; } = [];
    public IReadOnlyList<ManifestPrompt> Prompts { get; init; } = [];
    public ManifestModels? Models { get; init; }
    public IReadOnlyList<ManifestStage> Stages { get; init; } = [];
    public ManifestCost Cost { get; init; } = new();
    public IReadOnlyList<ManifestFailure> Failures { get; init; } = [];
    public IReadOnlyList<ManifestFile> Files { get; init; } = [];
    public ManifestOutputs Outputs { get; init; } = new();
    public string? Error { get; init; }

    /// <summary>Identity of the artifact store the run's inputs and results live in (IArtifactStore.Identity).</summary>
    public string? ArtifactStore { get; init; }

    /// <summary>What the run did not do itself: stages taken from an earlier run, and the stage it stopped after.</summary>
    public ManifestPlan? Plan { get; init; }

    /// <summary>What decides whether the run's measurement is valid, and how its scores were calibrated to the gold file.</summary>
    public ManifestValidity? Validity { get; init; }

    /// <summary>Every Orchestrator process that executed the run: the first, then any that adopted or resumed it.</summary>
    public IReadOnlyList<ManifestExecution> Executions { get; init; } = [];

    /// <summary>The provider batches of a batch run (`run --batch`), as last seen; <c>batches/<c>batches/submission.json</c> has the whole record.lt;model<c>batches/submission.json</c> has the whole record.gt;/submission.json</c> has the whole record.</summary>
    public IReadOnlyList<ManifestBatch> Batches { get; init; } = [];

    /// <summary>Analyses whose batch answer could not be used and that were asked interactively instead, with the reason.</summary>
    public IReadOnlyList<ManifestFailure> BatchRetries { get; init; } = [];
}

/// <summary>
/// A partial run (`--from`, `--to`): <see cref="ReusedStages"/> were copied, with their results, from the run at
/// <see cref="SourceRunFolder"/> (same framework and documents, checked by hash), and no model was asked for them;
/// the stages after <see cref="StopAfter"/> were skipped.
/// </summary>
public sealed record ManifestPlan
{
    public IReadOnlyList<string> ReusedStages { get; init; } = [];
    public string? SourceRunId { get; init; }
    public string? SourceRunFolder { get; init; }
    public string? StopAfter { get; init; }

    /// <summary>Set for `run --pretest N`: the sample analysed, and judged, before the rest of the corpus.</summary>
    public ManifestPretest? Pretest { get; init; }
}

/// <summary>
/// The pre-test a run asked for: <see cref="SampleSize"/> documents chosen by <see cref="Seed"/> (the same seed and
/// corpus always give the same sample), and the share of failed answers above which the run stops.
/// </summary>
public sealed record ManifestPretest
{
    public required int SampleSize { get; init; }
    public required int Seed { get; init; }
    public required double MaxFailureRate { get; init; }
}

/// <summary>
/// The rule a dimension is validated by (<c>validation:</c>, else the defaults) and the calibration the run applies
/// (<c>calibration:</c> or <c>run --calibrate</c>); recorded at setup, so a resumed or adopted run judges and calibrates
/// the same way. <see cref="CalibrationModel"/> is the fitted maps the synthesis wrote (listed in <c>files</c>).
/// </summary>
public sealed record ManifestValidity
{
    public required Experiments.ValiditySettings Validation { get; init; }

    /// <summary>Null when the run does not calibrate.</summary>
    public Experiments.CalibrationSettings? Calibration { get; init; }

    /// <summary>experiment (its <c>calibration:</c>) or flag (<c>run --calibrate</c>); null without calibration.</summary>
    public string? CalibrationSource { get; init; }

    /// <summary>results/synthesis/calibration.json: every fitted map, so the calibration can be re-applied and checked.</summary>
    public string? CalibrationModel { get; init; }

    public string? CalibrationModelSha256 { get; init; }
}

/// <summary>
/// One Orchestrator's turn at a run. Host, process id and process start time let `status`, `list` and `verify` tell a
/// run whose process is gone from one that is still working, without waiting for a timeout.
/// </summary>
public sealed record ManifestExecution
{
    /// <summary><c>started</c>, <c>adopted</c> (taken over from an Orchestrator that stopped) or <c>resumed</c> (`run --resume`).</summary>
    public required string Kind { get; init; }
    public required string OrchestratorId { get; init; }
    public required string Host { get; init; }
    public required int ProcessId { get; init; }
    public required string ProcessStartedAt { get; init; }
    public required string StartedAt { get; init; }
}

public sealed record ManifestExperiment(string Name, string Path, string Layout, string File, string ConfigSha256, string? ConfigAsset);

public sealed record ManifestSoftware(string Name, string Version, string Runtime);

public sealed record ManifestFramework(string Name, string? Version, string File, string Sha256, string Asset, IReadOnlyList<string> Dimensions, IReadOnlyList<string> DerivedMetrics);

public sealed record ManifestGold(string File, string Sha256, string Asset, int Ratings);

public sealed record ManifestCorpus(string? Name, string? ManifestFile, string? ManifestSha256, string Sha256, int DocumentCount);

public sealed record ManifestDocument
{
    public required string DocumentId { get; init; }
    public required string File { get; init; }
    public required string Sha256 { get; init; }
    public required string Asset { get; init; }
    /// <summary>SHA-256 of the UTF-8 text models see; equals <see cref="Sha256"/> for plain UTF-8 files without a BOM.</summary>
    public required string TextSha256 { get; init; }
    public required string TextAsset { get; init; }
    public required long Bytes { get; init; }
    public required bool Extracted { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public sealed record ManifestPrompt(string Name, string Sha256, string Asset);

/// <summary>One provider batch: its request file, its id once created, its status and counts.</summary>
public sealed record ManifestBatch(string File, string Sha256, int Requests, string? BatchId, string Status, int Completed, int Failed);

public sealed record ManifestModels
{
    public required IReadOnlyList<string> Names { get; init; }
    /// <summary>Where the model choice came from: flag, experiment, environment or default.</summary>
    public required string Source { get; init; }
    public int RunsPerModel { get; init; } = 1;
    public string AnalysisVariant { get; init; } = "default";
    /// <summary>True when the offline lexicon dictionary baseline is used instead of a language model.</summary>
    public bool OfflineBaseline { get; init; }
    /// <summary>How the run used the response cache: "use" (validated answers served from it) or "refresh" (<c>--no-cache</c>).</summary>
    public string Cache { get; init; } = "use";

    /// <summary><c>interactive</c>, or <c>batch</c> (`run --batch`, <c>mode: batch</c>): the analyses go through the provider's batch API.</summary>
    public string Mode { get; init; } = "interactive";
}

public sealed record ManifestStage
{
    public required string Name { get; init; }
    public required string Status { get; init; }
    public string? StartedAt { get; init; }
    public string? FinishedAt { get; init; }
    public long? DurationMs { get; init; }
    public int? TasksTotal { get; init; }
    public int? TasksSucceeded { get; init; }
    public int? TasksFailed { get; init; }
    public string? Error { get; init; }
}

public sealed record ManifestCost
{
    public decimal? MaxCostUsd { get; init; }
    public decimal ActualUsd { get; init; }
    /// <summary>False when some calls went to models without a known price; the actual cost is then a lower bound.</summary>
    public bool Complete { get; init; } = true;
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public int ModelCalls { get; init; }
    public int CachedCalls { get; init; }
    /// <summary>Requests that reached a provider: every attempt, retries and validation re-asks included (from logs/llm_interactions.jsonl).</summary>
    public long ProviderRequests { get; init; }
    /// <summary>Answers served from the response cache instead of a provider.</summary>
    public long CacheHits { get; init; }
    /// <summary>Provider requests that retried a failed attempt (429, 5xx, time-out).</summary>
    public long Retries { get; init; }
    /// <summary>Provider requests that failed (error status, time-out, no connection), retried or not.</summary>
    public long Failures { get; init; }
    /// <summary>Answers the offline models (lexicon, minilm) computed: no provider request, no token sent, no cost.</summary>
    public long OfflineAnalyses { get; init; }

    /// <summary>
    /// The run's model work in the one wording every front end prints (run summary, report, serve):
    /// "3 provider request(s), 0 cache hit(s)", with "3 offline analyses" when an offline model answered.
    /// </summary>
    public string Work() => ModelWork.Describe(ProviderRequests, OfflineAnalyses, CacheHits);
}

public sealed record ManifestFailure(string TaskId, string? DocumentName, string? Model, string Reason);

public sealed record ManifestFile(string Path, string Sha256, string Role);

public sealed record ManifestOutputs
{
    /// <summary>results/pretest/pretest.json, for a run with a pre-test: the sample, its spread per dimension and the verdict.</summary>
    public string? Pretest { get; init; }

    /// <summary>The analysis results in task order; held packed (<see cref="Content.Sha256List"/>) while a run lasts.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Content.Sha256List.JsonConverter))]
    public IReadOnlyList<string> AnalysisResults { get; init; } = [];
    public string? Statistics { get; init; }
    public string? ScoresCsv { get; init; }
    /// <summary>results/exports/: scores, derived metrics and evidence as CSV and Parquet, and statistics.json.</summary>
    public IReadOnlyList<string> Exports { get; init; } = [];
    public string? Synthesis { get; init; }
    /// <summary>Hash of the synthesis agent's result record in the artifact store (what the report stage reads).</summary>
    public string? SynthesisResult { get; init; }
    public string? ReportMarkdown { get; init; }
    public string? ReportHtml { get; init; }
}
