using System.Text.Json;
using Discernus.Calibration;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Provenance;
using Discernus.Reports;
using Discernus.Statistics;
using Microsoft.Extensions.AI;

namespace Discernus.Agents;

/// <summary>
/// Statistics over every analysis result, computed in code (never by a model), then a model-written interpretation of
/// them. The lexicon baseline writes a templated interpretation instead, and says so.
/// </summary>
internal sealed class SynthesisAgent(AgentContext context) : BaseAgent<SynthesizeResultsTask>(context)
{
    public override string Name => nameof(SynthesisAgent);

    protected override string Stage => StageNames.Synthesis;

    protected override (string RunId, string TaskId) RunAndTask(SynthesizeResultsTask contract) => (contract.RunId, contract.TaskId);

    protected override async Task<string> ExecuteAsync(SynthesizeResultsTask task, CancellationToken cancellationToken)
    {
        var parameters = task.Params ?? new SynthesisParams();
        var frameworkText = await LoadTextAsync(task.FrameworkHash, "framework", cancellationToken).ConfigureAwait(false);
        var framework = ExperimentReader.ParseFramework(frameworkText, "framework.md", parameters.AnalysisVariant ?? "default", out var problems)
            ?? throw new AgentFailureException($"the stored framework cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");

        if (task.AnalysisResultCount <= 0)
        {
            throw new AgentFailureException("there are no analysis results to synthesise");
        }

        var research = parameters.Research ?? new ResearchSettings();
        var dimensionNames = framework.Dimensions.Select(d => d.Name).ToList();
        using var runExports = new RunExports(dimensionNames, framework.DerivedMetrics.Select(d => d.Name).ToList());
        var evidence = new EvidenceSelection(dimensionNames);
        var tally = new AnalysisTally(dimensionNames);
        var records = await ReadResultsAsync(task, runExports, evidence, tally, cancellationToken).ConfigureAwait(false);

        var gold = await GoldAsync(research, cancellationToken).ConfigureAwait(false);
        var calibration = await CalibrateAsync(task, framework, records, gold, research, cancellationToken).ConfigureAwait(false);
        runExports.Calibrated = calibration?.Lookup;
        var statistics = Compute(records, framework, parameters, research, gold, calibration);
        var statisticsJson = statistics.ToJson();
        var statisticsHash = await Context.Store.PutAsync(System.Text.Encoding.UTF8.GetBytes(statisticsJson), cancellationToken).ConfigureAwait(false);

        var calls = new ModelCallTally();
        var (prompt, response, exports) = await InterpretWhileExportingAsync(
            task, parameters, framework, statistics, statisticsJson, calls, token => StoreExportsAsync(runExports, statistics, statisticsHash, token), cancellationToken)
            .ConfigureAwait(false);
        var scoresHash = exports["scores.csv"];
        var hypotheses = parameters.Hypotheses ?? [];
        var textHash = await Context.Store.PutAsync(System.Text.Encoding.UTF8.GetBytes(response.Text.Trim() + "\n"), cancellationToken).ConfigureAwait(false);
        var promptTokens = response.Usage?.InputTokenCount ?? 0;
        var completionTokens = response.Usage?.OutputTokenCount ?? 0;
        return await StoreJsonAsync(new SynthesisResult
        {
            StatisticsHash = statisticsHash,
            SynthesisTextHash = textHash,
            ScoresCsvHash = scoresHash,
            Exports = exports,
            Model = task.Model,
            TokensUsed = new TokenUsage(promptTokens, completionTokens),
            Calls = calls.Counts,
            CostUsd = ResponseCacheCommit.IsCached(response) ? 0m : Context.Runs.CostOf(task.Model, promptTokens, completionTokens),
            Evidence = evidence.Selected(),
            NotScorable = tally.NotScorable(),
            NoSignal = NoSignal(statistics, tally.LexiconOnly, prompt),
            CalibrationHash = calibration?.Report.ArtifactHash,
            Hypotheses = hypotheses,
            ModelVersions = tally.ModelVersions(),
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Each result is read once, in task order (so nothing depends on timing), reduced to what the statistics, the
    /// exports and the report need, and let go: memory holds compact records, not results.
    /// </summary>
    private async Task<List<AnalysisRecord>> ReadResultsAsync(SynthesizeResultsTask task, RunExports runExports, EvidenceSelection evidence, AnalysisTally tally, CancellationToken cancellationToken)
    {
        var index = await LoadAsync(task.AnalysisResultsIndex, "analysis result index", cancellationToken).ConfigureAwait(false);
        if (AnalysisResultIndex.Count(index) != task.AnalysisResultCount)
        {
            throw new AgentFailureException($"the analysis result index {task.AnalysisResultsIndex} lists {AnalysisResultIndex.Count(index)} results, the contract {task.AnalysisResultCount}");
        }

        var records = new List<AnalysisRecord>(task.AnalysisResultCount);
        var factory = new AnalysisRecordFactory();
        foreach (var hash in AnalysisResultIndex.Read(index))
        {
            var bytes = await LoadAsync(hash, "analysis result", cancellationToken).ConfigureAwait(false);
            var result = JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                ?? throw new AgentFailureException($"analysis result {hash} is empty");
            var record = factory.Create(result);
            records.Add(record);
            runExports.Add(result, record);
            evidence.Add(result);
            tally.Add(result);
        }

        return records;
    }

    /// <summary>The statistics, the run's exports (CSV, Parquet) and the validity table in the store, by file name.</summary>
    private async Task<Dictionary<string, string>> StoreExportsAsync(RunExports runExports, CorpusStatistics statistics, string statisticsHash, CancellationToken cancellationToken)
    {
        var exports = new Dictionary<string, string>(StringComparer.Ordinal) { ["statistics.json"] = statisticsHash };
        var work = Directory.CreateTempSubdirectory("discernus-synthesis-");
        try
        {
            foreach (var file in await runExports.WriteAsync(work.FullName, [ExportWriter.Csv, ExportWriter.Parquet], cancellationToken).ConfigureAwait(false))
            {
                exports[file.Name] = await Context.Store.PutFileAsync(file.Path, cancellationToken).ConfigureAwait(false);
            }

            if (statistics.Validity is { } validity)
            {
                foreach (var (name, path, _) in await ValidityTable.WriteAsync(work.FullName, [ExportWriter.Csv, ExportWriter.Parquet], validity, cancellationToken).ConfigureAwait(false))
                {
                    exports[name] = await Context.Store.PutFileAsync(path, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }

        return exports;
    }

    /// <summary>
    /// The model's interpretation, with the export tables written meanwhile: both follow from the statistics alone, and a
    /// hosted model's answer takes seconds, as do the tables of a large run. An interpretation that fails is the failure
    /// reported; the tables are then stopped and waited for, never left running.
    /// </summary>
    private async Task<(PromptTemplate Prompt, ChatResponse Response, Dictionary<string, string> Exports)> InterpretWhileExportingAsync(
        SynthesizeResultsTask task, SynthesisParams parameters, Framework framework, CorpusStatistics statistics, string statisticsJson, ModelCallTally calls,
        Func<CancellationToken, Task<Dictionary<string, string>>> storeExports, CancellationToken cancellationToken)
    {
        using var exportsCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exportsStored = Task.Run(() => storeExports(exportsCancellation.Token), exportsCancellation.Token);
        try
        {
            var prompt = PromptTemplate.Parse(await LoadAsync(task.PromptHash, "prompt", cancellationToken).ConfigureAwait(false));
            var response = await InterpretAsync(task, parameters, framework, statistics, statisticsJson, prompt, calls, cancellationToken).ConfigureAwait(false);
            return (prompt, response, await exportsStored.ConfigureAwait(false));
        }
        catch
        {
            await exportsCancellation.CancelAsync().ConfigureAwait(false);
            await ((Task)exportsStored).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>The model's interpretation of the statistics; only an answer the synthesis accepts is cached.</summary>
    private async Task<ChatResponse> InterpretAsync(SynthesizeResultsTask task, SynthesisParams parameters, Framework framework, CorpusStatistics statistics, string statisticsJson,
        PromptTemplate prompt, ModelCallTally calls, CancellationToken cancellationToken)
    {
        var hypotheses = parameters.Hypotheses ?? [];
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, prompt.Raw("system").Trim()),
            new(ChatRole.User, prompt.Render("user", new Dictionary<string, string>
            {
                ["experiment_name"] = parameters.ExperimentName ?? task.RunId,
                ["framework_name"] = framework.Name,
                ["hypotheses"] = hypotheses.Count == 0 ? "(none stated)" : string.Join("\n", hypotheses.Select(h => $"- {h}")),
                ["document_count"] = statistics.Counts.DocumentsAnalysed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["statistics_json"] = statisticsJson,
            })),
        };
        var options = new ChatOptions
        {
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [LexiconInputs.Task] = LexiconInputs.SynthesisTask,
                [LexiconInputs.Framework] = framework,
                [LexiconInputs.StatisticsJson] = statisticsJson,
                [ModelCallKeys.CallerAgent] = Name,
                [ModelCallKeys.CallerStage] = Stage,
                [ModelCallKeys.CallerTask] = task.TaskId,
                [ModelCallKeys.Tally] = calls,
                [ModelCallKeys.OutageObserver] = new RunOutageObserver(Context.Runs, task.RunId),
            },
        };
        if (parameters.Cache == CacheModes.Refresh)
        {
            options.AdditionalProperties[ModelCallKeys.CacheMode] = CacheModes.Refresh;
        }

        ChatResponse response;
        var client = Context.Runs.ClientFor(task.RunId, task.Model);
        try
        {
            response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelCallException ex) when (ex.EndpointFailure is null)
        {
            throw new AgentFailureException($"the synthesis model call failed after {ex.Attempts} attempt(s): {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(response.Text))
        {
            throw new AgentFailureException($"{task.Model} returned an empty synthesis");
        }

        // Only an answer the synthesis accepts is cached, like analysis answers.
        await client.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(response), response, cancellationToken).ConfigureAwait(false);

        return response;
    }

    /// <summary>Why a dimension has no signal: for the lexicon, no marker phrase matched; for a model, it scored every document 0.</summary>
    private static Dictionary<string, string> NoSignal(CorpusStatistics statistics, bool lexiconOnly, PromptTemplate prompt)
    {
        var reason = prompt.Raw(lexiconOnly ? "no_signal_lexicon" : "no_signal_model").Trim();
        return DimensionRanking.WithoutSignal(statistics).ToDictionary(d => d, _ => reason, StringComparer.Ordinal);
    }

    /// <summary>The run's records calibrated to the gold file's coders, the report of it and the stored maps; null without calibration.</summary>
    private sealed record Calibrated(IReadOnlyList<AnalysisRecord> Records, CalibrationReport Report, Func<AnalysisRecord, string, double?> Lookup);

    /// <summary>
    /// Calibration (the experiment's <c>calibration:</c> or <c>run --calibrate</c>): the maps are fitted on the coded
    /// documents, stored as an artifact, and every record's scores replaced by the calibrated ones (its derived metrics
    /// evaluated again on them); the raw records stay for the raw agreement, the reliability and the exports.
    /// </summary>
    private async Task<Calibrated?> CalibrateAsync(
        SynthesizeResultsTask task, Framework framework, List<AnalysisRecord> records, IReadOnlyList<GoldRating> gold, ResearchSettings research, CancellationToken cancellationToken)
    {
        if (research.Calibration is not { } settings || gold.Count == 0)
        {
            return null;
        }

        var dimensionNames = framework.Dimensions.Select(d => d.Name).ToList();
        var features = DocumentFeatureSources.FromClients(
            model => Context.Runs.ClientFor(task.RunId, model),
            framework,
            (record, ct) => LoadTextAsync(record.DocumentHash ?? throw new AgentFailureException($"the analysis of {record.DocumentName} names no document hash"), "document", ct));
        var result = await RunCalibration.CalibrateAsync(records, dimensionNames, gold, settings, features, cancellationToken).ConfigureAwait(false);
        var hash = await Context.Store.PutAsync(result.Artifact, cancellationToken).ConfigureAwait(false);
        var metrics = DerivedMetricEvaluator.Prepare(framework);
        var calibrated = result.Records
            .Select(r => framework.DerivedMetrics.Count == 0 ? r : r with
            {
                DerivedMetrics = metrics.Evaluate(DimensionValues.Lookup(r.Dimensions)).ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal),
            })
            .ToList();
        var byRecord = new Dictionary<AnalysisRecord, AnalysisRecord>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < records.Count; i++)
        {
            byRecord[records[i]] = calibrated[i];
        }

        return new Calibrated(
            calibrated,
            new CalibrationReport(settings.Method, settings.Folds, settings.Seed, hash, result.Choices),
            (record, dimension) => byRecord.TryGetValue(record, out var c) ? c.Dimensions.GetValueOrDefault(dimension)?.Score : null);
    }

    /// <summary>The gold file's ratings (human codings), or none when the experiment has no gold file.</summary>
    private async Task<IReadOnlyList<GoldRating>> GoldAsync(ResearchSettings research, CancellationToken cancellationToken)
    {
        if (research.GoldHash is not { } goldHash)
        {
            return [];
        }

        var (gold, problems) = GoldFile.Parse(await LoadTextAsync(goldHash, "gold file", cancellationToken).ConfigureAwait(false));
        return problems.Count > 0
            ? throw new AgentFailureException($"the stored gold file cannot be read: {problems[0].Message} (line {problems[0].Line})")
            : gold;
    }

    // Apart, so the filtered copies of the records are gone before the model is asked.
    private static CorpusStatistics Compute(
        List<AnalysisRecord> records, Framework framework, SynthesisParams parameters, ResearchSettings research, IReadOnlyList<GoldRating> gold, Calibrated? calibration)
    {
        var dimensionNames = framework.Dimensions.Select(d => d.Name).ToList();
        var formulas = framework.DerivedMetrics.Select(m => (m.Name, m.Formula)).ToList();
        IReadOnlyList<AnalysisRecord> Filter(IReadOnlyList<AnalysisRecord> input) =>
            ReliabilityFilter.Apply(input, dimensionNames, formulas, research.ReliabilityFiltering, research.AdvancedFiltering).Records;
        var (filtered, filtering) = ReliabilityFilter.Apply(
            calibration?.Records ?? records, dimensionNames, formulas, research.ReliabilityFiltering, research.AdvancedFiltering);
        // Calibration moves scores onto the coders' scale, not the model's consistency: agreement between runs and
        // models is measured on what the models said.
        var raw = calibration is null ? filtered : Filter(records);
        var statistics = StatisticsCalculator.Compute(
            filtered,
            dimensionNames,
            framework.DerivedMetrics.Select(d => d.Name).ToList(),
            parameters.Grouping ?? [],
            parameters.DocumentsFailed,
            research.Hypotheses) with
        {
            Filtering = filtering,
        };
        if (calibration is not null)
        {
            statistics = statistics with { Reliability = ReliabilityCalculator.Compute(raw, dimensionNames) };
        }

        var validity = gold.Count == 0 ? null
            : ValidityCalculator.Compute(filtered, dimensionNames, gold, research.Validation ?? new ValiditySettings(), calibration is null ? null : raw);
        return ValidityGate.Apply(statistics, validity is null ? null : validity with { Calibration = calibration?.Report }, framework.DerivedMetrics);
    }
}
