using Discernus.Artifacts;
using Discernus.Content;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Provenance;

namespace Discernus.Orchestration;

/// <summary>What the Orchestrator keeps about one run while it moves through the stages.</summary>
internal sealed class RunContext(RunFolder folder, RunLog log, Experiment experiment, ManifestModels models, TimeProvider time)
{
    // The run's documents are those its manifest lists (read from the folder when needed); the validated corpus's own
    // list, an entry per document, is not kept for the length of the run.
    private readonly Experiment _experiment = experiment with { Corpus = experiment.Corpus with { Documents = [] } };

    private readonly Lock _gate = new();
    private decimal _costUsd;
    private bool _costComplete = true;
    private long _promptTokens;
    private long _completionTokens;
    private int _modelCalls;
    private int _cachedCalls;
    private ModelCallCounts _calls = ModelCallCounts.None;

    // Analyses already counted by this execution's pre-test: the full run takes them without counting them again.
    private readonly HashSet<string> _countedByPretest = new(StringComparer.Ordinal);

    public RunFolder Folder => folder;
    public RunLog Log => log;
    /// <summary>The experiment as validated, without its corpus's document list (see <see cref="ReadDocuments"/>).</summary>
    public Experiment Experiment => _experiment;
    public ManifestModels Models => models;
    /// <summary>The manifest without its per-document lists (see <see cref="RunFolder.ReadManifestHead"/>).</summary>
    public RunManifest Manifest { get; } = folder.ReadManifestHead();
    public List<ManifestFailure> Failures { get; } = [];
    private readonly List<ManifestFile> _outputFiles = [];
    private readonly HashSet<string> _outputPaths = new(StringComparer.Ordinal);

    // Analysis results are one file per document, named by their hash: kept as hashes (32 bytes each), listed as files
    // when the manifest is written (ManifestFileChanges.AnalysisResults).
    private readonly List<Sha256Key> _analysisResults = [];
    public ManifestOutputs Outputs { get; set; } = new();
    public decimal CostUsd { get { lock (_gate) { return _costUsd; } } }

    /// <summary>True when this execution took the run over from an earlier one (adoption or resume).</summary>
    public bool Adopted { get; private set; }

    /// <summary>This execution's mark in the run's Redis state: a state without it means Redis lost the run.</summary>
    public string Epoch { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>The endpoint outage announced to the run's watchers and not yet over (it ends with the next success).</summary>
    public ModelOutage? AnnouncedOutage { get; set; }

    /// <summary>When the last announced outage ended: an outage a worker reports as older is the tail of that one.</summary>
    public DateTimeOffset LastRecoveryAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Provider requests workers elsewhere announced and whose record has not arrived yet, by call id.</summary>
    public Dictionary<string, LlmCallStart> OpenCalls { get; } = new(StringComparer.Ordinal);

    // Stages an earlier execution finished that this one does again: analyses that failed are asked again on resume.
    private readonly HashSet<string> _redone = new(StringComparer.Ordinal);

    /// <summary>Whether a stage finished in an earlier execution of this run (adoption or resume skips it).</summary>
    public bool IsStageDone(string stage) =>
        !_redone.Contains(stage) && Manifest.Stages.FirstOrDefault(s => s.Name == stage)?.Status is RunStatus.Completed or RunStatus.CompletedWithFailures;

    /// <summary>True when this execution redoes BATCH ANALYSIS for the analyses an earlier one left failed (and so what follows).</summary>
    public bool RedoesFailedAnalyses => _redone.Count > 0;

    /// <summary>
    /// For a run taken over from an earlier execution: what its finished stages produced (outputs, files, failures,
    /// cost) as their ends recorded it in the manifest. An unfinished stage is redone from its own records.
    /// </summary>
    public void AdoptEarlierExecution()
    {
        Adopted = true;

        // Every document without a valid result is asked again: a finished BATCH ANALYSIS with failed analyses (unless
        // its analyses were taken from another run) is redone for those, and the synthesis and report with it.
        if (IsStageDone(StageNames.BatchAnalysis)
            && Manifest.Plan?.ReusedStages.Contains(StageNames.BatchAnalysis) != true
            && Manifest.Failures.Any(f => Coordination.TaskIds.TryParse(f.TaskId, out var parts) && parts.TaskType == Coordination.TaskTypes.AnalyseDocument))
        {
            _redone.UnionWith([StageNames.BatchAnalysis, StageNames.Synthesis, StageNames.Report]);
        }

        if (!IsStageDone(StageNames.BatchAnalysis))
        {
            // The pre-test's report stays an output of the run; its analyses are read back with the others.
            Outputs = new ManifestOutputs { Pretest = Manifest.Outputs.Pretest };
            return;
        }

        Outputs = Manifest.Outputs;
        Failures.AddRange(Manifest.Failures);
        lock (_gate)
        {
            _costUsd = Manifest.Cost.ActualUsd;
            _costComplete = Manifest.Cost.Complete;
            _promptTokens = Manifest.Cost.PromptTokens;
            _completionTokens = Manifest.Cost.CompletionTokens;
            _modelCalls = Manifest.Cost.ModelCalls;
            _cachedCalls = Manifest.Cost.CachedCalls;
            _calls = new ModelCallCounts(Manifest.Cost.ProviderRequests, Manifest.Cost.CacheHits, Manifest.Cost.Retries, Manifest.Cost.Failures, Manifest.Cost.OfflineAnalyses);
        }
    }

    /// <summary>The run's documents as the manifest lists them, read from the folder on each call (a run does not hold them).</summary>
    public List<ManifestDocument> ReadDocuments()
    {
        var documents = new List<ManifestDocument>(Manifest.Corpus?.DocumentCount ?? 0);
        folder.ReadDocuments(documents.Add);
        return documents;
    }

    public string PromptHash(string name) =>
        Manifest.Prompts.FirstOrDefault(p => p.Name == name)?.Sha256 ?? throw new RunFailedException($"the run has no stored prompt '{name}'");

    public void AddUsage(long promptTokens, long completionTokens, decimal? cost, bool cached, ModelCallCounts? calls = null)
    {
        lock (_gate)
        {
            if (calls is { } c0)
            {
                _calls = new ModelCallCounts(_calls.ProviderRequests + c0.ProviderRequests, _calls.CacheHits + c0.CacheHits, _calls.Retries + c0.Retries, _calls.Failures + c0.Failures,
                    _calls.OfflineAnalyses + c0.OfflineAnalyses);
            }

            _promptTokens += promptTokens;
            _completionTokens += completionTokens;
            _modelCalls++;
            if (cached)
            {
                _cachedCalls++;
            }

            if (cost is { } c)
            {
                _costUsd += c;
            }
            else
            {
                _costComplete = false;
            }
        }
    }

    /// <summary>Notes that the pre-test counted this analysis into the run's totals.</summary>
    public void CountedByPretest(string taskId)
    {
        lock (_gate)
        {
            _countedByPretest.Add(taskId);
        }
    }

    /// <summary>True the first time an analysis is taken into the run's totals by this execution.</summary>
    public bool CountOnce(string taskId)
    {
        lock (_gate)
        {
            return !_countedByPretest.Remove(taskId);
        }
    }

    /// <summary>The model calls of the results counted so far.</summary>
    public ModelCallCounts Calls { get { lock (_gate) { return _calls; } } }

    public ManifestCost Cost(ManifestCost current)
    {
        lock (_gate)
        {
            return current with
            {
                ActualUsd = _costUsd,
                Complete = _costComplete,
                PromptTokens = _promptTokens,
                CompletionTokens = _completionTokens,
                ModelCalls = _modelCalls,
                CachedCalls = _cachedCalls,
                ProviderRequests = _calls.ProviderRequests,
                CacheHits = _calls.CacheHits,
                Retries = _calls.Retries,
                Failures = _calls.Failures,
                OfflineAnalyses = _calls.OfflineAnalyses,
            };
        }
    }

    public async Task<string> WriteOutputAsync(string relativePath, byte[] content, string role, CancellationToken cancellationToken)
    {
        var hash = await folder.WriteFileAsync(relativePath, content, cancellationToken).ConfigureAwait(false);
        RecordOutput(relativePath, hash, role);
        return relativePath;
    }

    /// <summary>Copies an output from the store into the run folder as a stream (an export of a large corpus is tens of MB); false when the store does not hold it.</summary>
    public async Task<bool> CopyOutputAsync(string relativePath, IArtifactStore store, string hash, string role, CancellationToken cancellationToken)
    {
        if (!await folder.CopyFileFromStoreAsync(relativePath, store, hash, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        RecordOutput(relativePath, hash, role);
        return true;
    }

    /// <summary>Lists an output written into the folder once, for the manifest's <c>files</c>.</summary>
    private void RecordOutput(string relativePath, string hash, string role)
    {
        lock (_gate)
        {
            if (_outputPaths.Add(relativePath))
            {
                _outputFiles.Add(new ManifestFile(relativePath, hash, role));
            }
        }
    }

    /// <summary>Writes an analysis result to <c>results/batch_analysis/&lt;hash&gt;.json</c>.</summary>
    public async Task WriteAnalysisResultAsync(string hash, byte[] content, CancellationToken cancellationToken)
    {
        var written = await folder.WriteFileAsync(AnalysisResultPath(hash), content, cancellationToken).ConfigureAwait(false);
        if (written != hash)
        {
            throw new RunFailedException($"the analysis result {hash} hashes to {written}");
        }

        lock (_gate)
        {
            _analysisResults.Add(Sha256Key.FromHex(hash));
        }
    }

    private static string AnalysisResultPath(string hash) => RunFolder.AnalysisResultFile(hash);

    /// <summary>
    /// What this execution wrote to the run folder, for the manifest's <c>files</c>: its analysis results, then its
    /// other files (in the order written), and <paramref name="alsoAdd"/>. The other files replace what the manifest
    /// lists under their paths: an earlier execution may have listed the same paths with other content.
    /// </summary>
    public ManifestFileChanges FileChanges(IEnumerable<ManifestFile>? alsoAdd = null, string? removeRole = null)
    {
        lock (_gate)
        {
            return new ManifestFileChanges([.. _outputFiles, .. alsoAdd ?? []], removeRole, new HashSet<string>(_outputPaths, StringComparer.Ordinal), [.. _analysisResults]);
        }
    }

    public async Task StageAsync(string stage, Func<ManifestStage, ManifestStage> update) =>
        await folder.UpdateManifestAsync(m => m with { Stages = m.Stages.Select(s => s.Name == stage ? update(s) : s).ToList() }, CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Records what the stage produced so far in the manifest: an Orchestrator that adopts the run later skips the
    /// stages recorded as finished and starts from their outputs.
    /// </summary>
    public async Task PersistOutputsAsync()
    {
        var files = FileChanges();
        List<ManifestFailure> failures;
        lock (_gate)
        {
            failures = [.. Failures];
        }

        await folder.UpdateManifestAsync(m => m with
        {
            Outputs = Outputs,
            Failures = failures,
            Cost = Cost(m.Cost),
        }, files, CancellationToken.None).ConfigureAwait(false);
    }

    public string Now() => IsoTime.Format(time.GetUtcNow());
}
