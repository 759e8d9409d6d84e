using System.Text.Json;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
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
    private const int QuotesPerDimension = 3;
    private const int MaxUnverifiedPerDimension = 20;

    public override string Name => nameof(SynthesisAgent);

    protected override string Stage => StageNames.Synthesis;

    protected override (string RunId, string TaskId) RunAndTask(SynthesizeResultsTask contract) => (contract.RunId, contract.TaskId);

    protected override async Task<string> ExecuteAsync(SynthesizeResultsTask task, CancellationToken cancellationToken)
    {
        var parameters = task.Params ?? new SynthesisParams();
        var frameworkText = await LoadTextAsync(task.FrameworkHash, "framework", cancellationToken).ConfigureAwait(false);
        var framework = ExperimentReader.ParseFramework(frameworkText, "framework.md", parameters.AnalysisVariant ?? "default", out var problems)
            ?? throw new AgentFailureException($"the stored framework cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");

        var results = new List<AnalysisResult>();
        foreach (var hash in task.AnalysisResultHashes)
        {
            var bytes = await LoadAsync(hash, "analysis result", cancellationToken).ConfigureAwait(false);
            results.Add(JsonSerializer.Deserialize<AnalysisResult>(bytes, DiscernusJson.Indented)
                ?? throw new AgentFailureException($"analysis result {hash} is empty"));
        }

        if (results.Count == 0)
        {
            throw new AgentFailureException("there are no analysis results to synthesise");
        }

        var research = parameters.Research ?? new ResearchSettings();
        var dimensionNames = framework.Dimensions.Select(d => d.Name).ToList();
        var (records, filtering) = ReliabilityFilter.Apply(
            results.Select(ToRecord).ToList(),
            dimensionNames,
            framework.DerivedMetrics.Select(m => (m.Name, m.Formula)).ToList(),
            research.ReliabilityFiltering,
            research.AdvancedFiltering);
        var statistics = StatisticsCalculator.Compute(
            records,
            framework.Dimensions.Select(d => d.Name).ToList(),
            framework.DerivedMetrics.Select(d => d.Name).ToList(),
            parameters.Grouping ?? [],
            parameters.DocumentsFailed,
            research.Hypotheses) with
        { Filtering = filtering };
        if (research.GoldHash is { } goldHash)
        {
            var (gold, goldProblems) = GoldFile.Parse(await LoadTextAsync(goldHash, "gold file", cancellationToken).ConfigureAwait(false));
            if (goldProblems.Count > 0)
            {
                throw new AgentFailureException($"the stored gold file cannot be read: {goldProblems[0].Message} (line {goldProblems[0].Line})");
            }

            var withCoders = ReliabilityCalculator.CompareWithCoders(
                results.Select(ToRecord).ToList(), dimensionNames, gold.Select(g => (g.DocumentId, g.Dimension, g.Score, g.Coder)).ToList());
            statistics = statistics with
            {
                Reliability = new ReliabilitySummary(
                    ReliabilityCalculator.UnreliableBelow,
                    [.. statistics.Reliability?.Comparisons ?? [], .. withCoders]),
            };
        }

        var statisticsJson = statistics.ToJson();
        var statisticsHash = await Context.Store.PutAsync(System.Text.Encoding.UTF8.GetBytes(statisticsJson), cancellationToken).ConfigureAwait(false);
        var tables = RunExports.Tables(results, dimensionNames, framework.DerivedMetrics.Select(d => d.Name).ToList());
        var exports = new Dictionary<string, string>(StringComparer.Ordinal) { ["statistics.json"] = statisticsHash };
        foreach (var format in new[] { "csv", "parquet" })
        {
            foreach (var (file, bytes) in await RunExports.FilesAsync(tables, format, cancellationToken).ConfigureAwait(false))
            {
                exports[file] = await Context.Store.PutAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        var scoresHash = exports["scores.csv"];

        var prompt = PromptTemplate.Parse(await LoadAsync(task.PromptHash, "prompt", cancellationToken).ConfigureAwait(false));
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
            CostUsd = ResponseCacheCommit.IsCached(response) ? 0m : Context.Runs.CostOf(task.Model, promptTokens, completionTokens),
            Evidence = SelectEvidence(framework, results),
            NotScorable = NotScorable(framework, results),
            NoSignal = NoSignal(statistics, results, prompt),
            Hypotheses = hypotheses,
            ModelVersions = results
                .GroupBy(r => r.ProcessingMetadata.Model, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.ProcessingMetadata.ModelVersion).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal),
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The numbers statistics need from a per-document result; also used by `discernus serve` for live agreement.</summary>
    internal static AnalysisRecord ToRecord(AnalysisResult result) => new()
    {
        DocumentName = result.DocumentName,
        CorpusDocumentId = result.CorpusDocumentId,
        DocumentHash = result.DocumentId,
        Model = result.ProcessingMetadata.Model,
        Run = result.ProcessingMetadata.Run,
        Metadata = result.Metadata,
        Dimensions = result.FrameworkAnalysis.ToDictionary(kv => kv.Key, kv => new DimensionValues(kv.Value.Score, kv.Value.Salience, kv.Value.Confidence)),
        DerivedMetrics = result.DerivedMetrics,
        VerifiedEvidence = result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => e.Verified)),
        UnverifiedEvidence = result.FrameworkAnalysis.Values.Sum(d => d.Evidence.Count(e => !e.Verified)),
    };

    /// <summary>For each dimension, one verified quote from each of the highest-scoring documents.</summary>
    private static List<ReportEvidence> SelectEvidence(Framework framework, List<AnalysisResult> results)
    {
        var evidence = new List<ReportEvidence>();
        foreach (var dimension in framework.Dimensions)
        {
            var picked = results
                .Select(r => (Result: r, Score: r.FrameworkAnalysis.GetValueOrDefault(dimension.Name)))
                .Where(x => x.Score?.Score is > 0 && x.Score.Evidence.Any(e => e.Verified))
                .OrderByDescending(x => x.Score!.Score)
                .ThenBy(x => x.Result.DocumentName, StringComparer.Ordinal)
                .DistinctBy(x => x.Result.DocumentId)
                .Take(QuotesPerDimension);
            evidence.AddRange(picked.Select(x => new ReportEvidence(dimension.Name, x.Result.DocumentName, x.Score!.Score,
                x.Score.Evidence.First(e => e.Verified).Quote, true)));

            // Every unverified quote is shown, flagged: a model must not be able to invent evidence unnoticed.
            evidence.AddRange(results
                .OrderBy(r => r.DocumentName, StringComparer.Ordinal)
                .SelectMany(r => (r.FrameworkAnalysis.GetValueOrDefault(dimension.Name)?.Evidence ?? []).Where(e => !e.Verified)
                    .Select(e => new ReportEvidence(dimension.Name, r.DocumentName, r.FrameworkAnalysis[dimension.Name].Score, e.Quote, false)))
                .Take(MaxUnverifiedPerDimension));
        }

        return evidence;
    }

    /// <summary>Why a dimension has no signal: for the lexicon, no marker phrase matched; for a model, it scored every document 0.</summary>
    private static Dictionary<string, string> NoSignal(CorpusStatistics statistics, List<AnalysisResult> results, PromptTemplate prompt)
    {
        var lexiconOnly = results.All(r => r.ProcessingMetadata.Model == ModelName.LexiconName);
        var reason = prompt.Raw(lexiconOnly ? "no_signal_lexicon" : "no_signal_model").Trim();
        return DimensionRanking.WithoutSignal(statistics).ToDictionary(d => d, _ => reason, StringComparer.Ordinal);
    }

    private static Dictionary<string, string> NotScorable(Framework framework, List<AnalysisResult> results) =>
        framework.Dimensions
            .Where(d => results.All(r => r.FrameworkAnalysis.GetValueOrDefault(d.Name)?.NotScorableReason is not null))
            .ToDictionary(d => d.Name, d => results.Select(r => r.FrameworkAnalysis[d.Name].NotScorableReason!).First());
}
