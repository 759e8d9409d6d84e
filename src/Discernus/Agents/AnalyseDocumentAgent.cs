using Discernus.Batches;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Provenance;
using Discernus.Statistics;
using Microsoft.Extensions.AI;

namespace Discernus.Agents;

/// <summary>
/// One document, one model: builds the prompt from the run's stored prompt file, calls the model, validates the
/// answer against the framework (retrying with the problems shown), verifies every evidence quote against the text,
/// evaluates derived metrics in code and stores the per-document result of SPEC §5 by hash.
/// <para>Only an answer that passed validation enters the response cache: the agent commits it under the key of its
/// first request, so the next run with the same inputs gets it without a call. A cached answer that fails validation
/// (one stored before this rule, or under an older validator) is never replayed: the model is asked again. A failure
/// of the endpoint itself (no connection, bad key, unknown model, no quota) is thrown on, so the Router tries the task
/// again later while the gateway's breaker decides whether the run must stop.</para>
/// </summary>
internal sealed class AnalyseDocumentAgent(AgentContext context) : BaseAgent<AnalyseDocumentTask>(context)
{
    /// <summary>The chat option that tells repeated runs of one document apart in the request hash (never sent to a provider).</summary>
    public const string RepeatedRunKey = "discernus.run";

    public override string Name => nameof(AnalyseDocumentAgent);

    protected override string Stage => StageNames.BatchAnalysis;

    protected override (string RunId, string TaskId) RunAndTask(AnalyseDocumentTask contract) => (contract.RunId, contract.TaskId);

    protected override async Task<string> ExecuteAsync(AnalyseDocumentTask task, CancellationToken cancellationToken)
    {
        var call = await PrepareAsync(task, cancellationToken).ConfigureAwait(false);
        var started = Context.TimeProvider.GetTimestamp();
        var answers = await CallAsync(task, call, cancellationToken).ConfigureAwait(false);
        var analysis = await AcceptAsync(task, call, answers, cancellationToken).ConfigureAwait(false);
        return await StoreJsonAsync(Result(task, call, answers, analysis, started), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What one analysis asks of its model: the inputs, the first request's messages and options, and the client.</summary>
    private sealed class AnalysisCall
    {
        public required Experiments.Framework Framework { get; init; }
        public required PreparedDerivedMetrics DerivedMetrics { get; init; }
        public required string DocumentText { get; init; }
        public required PromptTemplate Prompt { get; init; }
        public required List<ChatMessage> Messages { get; init; }
        public required ChatOptions Options { get; set; }
        public required ModelCallTally Tally { get; init; }
        public required IChatClient Client { get; init; }
    }

    /// <summary>What the attempts at an answer added up to: the last validation, the answer accepted, and their usage.</summary>
    private sealed class AnswerAttempts
    {
        public long PromptTokens { get; set; }
        public long CompletionTokens { get; set; }
        public decimal? CostUsd { get; set; } = 0m;
        public bool Cached { get; set; } = true;
        public AnalysisValidationResult? Validation { get; set; }
        public ChatResponse? Accepted { get; set; }
        public string? CacheKey { get; set; }
        public bool StaleCacheRefreshed { get; set; }
        public int Count { get; set; }
        public string? ModelVersion { get; set; }
    }

    /// <summary>Loads the framework, document and prompt by hash and builds the first request.</summary>
    private async Task<AnalysisCall> PrepareAsync(AnalyseDocumentTask task, CancellationToken cancellationToken)
    {
        var variant = task.Params.AnalysisVariant ?? "default";
        var (frameworkText, framework, derivedMetrics) = await LoadParsedAsync(task.FrameworkHash, "framework", bytes => ParseFramework(bytes, variant), cancellationToken, variant).ConfigureAwait(false);
        var documentText = await LoadTextAsync(task.DocumentHash, "document", cancellationToken).ConfigureAwait(false);
        var prompt = await LoadParsedAsync(task.PromptHash, "prompt", PromptTemplate.Parse, cancellationToken).ConfigureAwait(false);
        var sampling = AnalysisRequest.Sampling(task);
        // Counts this task's provider requests, cache hits, retries and failures into its result, wherever it runs.
        var tally = new ModelCallTally();
        var options = new ChatOptions
        {
            Temperature = sampling.Temperature,
            Seed = sampling.Seed,
            ResponseFormat = ChatResponseFormat.Json,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [LexiconInputs.Task] = LexiconInputs.AnalysisTask,
                [LexiconInputs.Framework] = framework,
                [LexiconInputs.DocumentText] = documentText,
                [ModelCallKeys.CallerAgent] = Name,
                [ModelCallKeys.CallerStage] = Stage,
                [ModelCallKeys.CallerTask] = task.TaskId,
                [ModelCallKeys.Tally] = tally,
                [ModelCallKeys.OutageObserver] = new RunOutageObserver(Context.Runs, task.RunId),
            },
        };
        if (task.Params.Cache == CacheModes.Refresh)
        {
            options.AdditionalProperties[ModelCallKeys.CacheMode] = CacheModes.Refresh;
        }

        // A batch run's answer for this very request (Batches): served by the gateway without a call, then validated,
        // verified, cached and settled below like any answer; when it is invalid, the re-ask goes to the provider.
        if (await BatchAnswers.LoadAsync(task.Params, Context.Store, cancellationToken).ConfigureAwait(false) is { } batchAnswer)
        {
            options.AdditionalProperties[ModelCallKeys.PreparedAnswer] = batchAnswer.ToChatResponse();
        }

        if (task.Params.Run > 1)
        {
            // Part of the request hash only: run n of a document is its own request, so a repeated run asks the model
            // again instead of replaying run 1 from the cache (reliability between runs would otherwise be 1 by construction).
            options.AdditionalProperties[RepeatedRunKey] = task.Params.Run;
        }

        return new AnalysisCall
        {
            Framework = framework,
            DerivedMetrics = derivedMetrics,
            DocumentText = documentText,
            Prompt = prompt,
            Messages = (ModelName.IsOffline(task.Model)
                    ? AnalysisRequest.OfflineMessages(prompt, task.Model, framework, task.FrameworkHash, variant, task.DocumentName, task.DocumentHash)
                    : null)
                ?? AnalysisRequest.Messages(prompt, frameworkText, framework, variant, task.DocumentName, documentText),
            Options = options,
            Tally = tally,
            Client = Context.Runs.ClientFor(task.RunId, task.Model),
        };
    }

    /// <summary>Asks the model until an answer passes validation or the attempts run out, showing it the problems each time.</summary>
    private async Task<AnswerAttempts> CallAsync(AnalyseDocumentTask task, AnalysisCall call, CancellationToken cancellationToken)
    {
        var allowNotScorable = task.Model == ModelName.LexiconName;
        var dimensionNames = AnalysisRequest.DimensionNames(call.Framework);
        var answers = new AnswerAttempts();
        while (answers.Count < Context.MaxAnswerAttempts)
        {
            answers.Count++;
            var prompt = PromptDigest.Of(call.Messages);
            call.Options.AdditionalProperties![ModelCallKeys.PromptDigest] = prompt;
            ChatResponse response;
            try
            {
                response = await call.Client.GetResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelCallException ex) when (ex.EndpointFailure is null)
            {
                throw new AgentFailureException($"model call failed after {ex.Attempts} attempt(s): {ex.Message}");
            }

            await StoreTranscriptAsync(prompt, response, cancellationToken).ConfigureAwait(false);
            answers.CacheKey ??= ResponseCacheCommit.CacheKeyOf(response);
            var fromCache = ResponseCacheCommit.IsCached(response);
            var validation = answers.Validation = AnalysisAnswerValidator.Validate(response.Text, call.Framework, allowNotScorable);
            if (!validation.IsValid && fromCache && !answers.StaleCacheRefreshed)
            {
                Log(task.RunId, "warning", $"the cached answer for {task.DocumentName} from {task.Model} is invalid; asking the model again",
                    new Dictionary<string, object?> { ["task_id"] = task.TaskId, ["problems"] = validation.Problems });
                answers.StaleCacheRefreshed = true;
                answers.Count--;
                call.Options = call.Options.Clone();
                call.Options.AdditionalProperties = new AdditionalPropertiesDictionary(call.Options.AdditionalProperties!) { [ModelCallKeys.CacheMode] = CacheModes.Refresh };
                continue;
            }

            Count(task, answers, response, fromCache);
            if (validation.IsValid)
            {
                answers.Accepted = response;
                break;
            }

            Log(task.RunId, "warning", $"answer {answers.Count} for {task.DocumentName} from {task.Model} was invalid",
                new Dictionary<string, object?> { ["task_id"] = task.TaskId, ["problems"] = validation.Problems });
            call.Messages.Add(new ChatMessage(ChatRole.Assistant, response.Text));
            call.Messages.Add(new ChatMessage(ChatRole.User, PromptTemplate.Fill(call.Prompt.Raw("retry"), new Dictionary<string, string>
            {
                ["validation_errors"] = validation.ProblemsText,
                ["dimension_names"] = dimensionNames,
            })));
        }

        return answers;
    }

    /// <summary>An answer's usage, and what it cost unless it came from the cache.</summary>
    private void Count(AnalyseDocumentTask task, AnswerAttempts answers, ChatResponse response, bool fromCache)
    {
        // The provider's own name for the model that answered (e.g. a dated snapshot behind an alias).
        answers.ModelVersion = response.ModelId ?? answers.ModelVersion;
        answers.PromptTokens += response.Usage?.InputTokenCount ?? 0;
        answers.CompletionTokens += response.Usage?.OutputTokenCount ?? 0;
        answers.Cached &= fromCache;
        if (!fromCache)
        {
            answers.CostUsd += Context.Runs.CostOf(task.Model, ProviderUsage.Of(response.Usage), ResponseCacheCommit.BillingModeOf(response));
        }
    }

    /// <summary>The valid answer's analysis, committed to the response cache; a task whose answers all failed validation fails.</summary>
    private static async Task<ValidatedAnalysis> AcceptAsync(AnalyseDocumentTask task, AnalysisCall call, AnswerAttempts answers, CancellationToken cancellationToken)
    {
        if (answers.Validation?.Analysis is not { } analysis || answers.Accepted is null)
        {
            throw new AgentFailureException(
                $"the answer of {task.Model} for {task.DocumentName} stayed invalid after {answers.Count} attempt(s): {string.Join("; ", answers.Validation?.Problems ?? [])}");
        }

        await call.Client.CommitToCacheAsync(answers.CacheKey, answers.Accepted, cancellationToken).ConfigureAwait(false);
        return analysis;
    }

    /// <summary>The per-document result of SPEC §5: scores with verified evidence, derived metrics, and how the answer was got.</summary>
    private AnalysisResult Result(AnalyseDocumentTask task, AnalysisCall call, AnswerAttempts answers, ValidatedAnalysis analysis, long started)
    {
        var verified = EvidenceVerifier.For(call.DocumentText);
        var scores = analysis.Dimensions.ToDictionary(
            d => d.Name,
            d => new DimensionScore
            {
                Score = d.Score,
                Salience = d.Salience,
                Confidence = d.Confidence,
                NotScorableReason = d.NotScorableReason,
                Evidence = d.Evidence.Select(q => new EvidenceQuote(q, verified(q))).ToList(),
            });
        var derived = call.DerivedMetrics.Evaluate(
            DimensionValues.Lookup(scores.ToDictionary(kv => kv.Key, kv => new DimensionValues(kv.Value.Score, kv.Value.Salience, kv.Value.Confidence))));
        var counts = call.Tally.Counts;
        return new AnalysisResult
        {
            DocumentId = task.DocumentHash,
            DocumentName = task.DocumentName,
            CorpusDocumentId = task.Params.CorpusDocumentId ?? task.DocumentName,
            Metadata = ReadMetadata(task.Params),
            FrameworkAnalysis = scores,
            DerivedMetrics = derived.ToDictionary(kv => kv.Key, kv => kv.Value.Value),
            DerivedMetricErrors = derived.Where(kv => kv.Value.Reason is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Reason!),
            ProcessingMetadata = new ProcessingMetadata
            {
                Timestamp = Now(),
                Model = task.Model,
                ModelVersion = answers.ModelVersion,
                Temperature = call.Options.Temperature,
                Seed = call.Options.Seed,
                Run = task.Params.Run,
                TokensUsed = new TokenUsage(answers.PromptTokens, answers.CompletionTokens),
                CostUsd = answers.Cached ? 0m : answers.CostUsd,
                PromptHash = task.PromptHash,
                FrameworkHash = task.FrameworkHash,
                DocumentHash = task.DocumentHash,
                TaskId = task.TaskId,
                Attempts = answers.Count,
                DurationMs = (long)Context.TimeProvider.GetElapsedTime(started).TotalMilliseconds,
                Cached = answers.Cached,
                Worker = Context.Worker,
                ProviderRequests = counts.ProviderRequests,
                CacheHits = counts.CacheHits,
                Retries = counts.Retries,
                FailedRequests = counts.Failures,
                OfflineAnalyses = counts.OfflineAnalyses,
            },
        };
    }

    /// <summary>
    /// Keeps the exact prompt and answer of an attempt in the artifact store, under the very hashes the interaction log
    /// records (<c>prompt_hash</c>: the serialised messages; <c>answer_hash</c>: the UTF-8 answer text), so a reader of
    /// the run (`discernus serve`'s document page) can show what the model saw and said, checked by hash.
    /// </summary>
    private async Task StoreTranscriptAsync(PromptDigest prompt, ChatResponse response, CancellationToken cancellationToken)
    {
        await Context.Store.PutAsync(prompt.Bytes, cancellationToken).ConfigureAwait(false);
        await Context.Store.PutAsync(System.Text.Encoding.UTF8.GetBytes(response.Text), cancellationToken).ConfigureAwait(false);
    }

    private static ParsedFramework ParseFramework(byte[] bytes, string variant)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var framework = ExperimentReader.ParseFramework(text, "framework.md", variant, out var problems)
            ?? throw new AgentFailureException($"the stored framework cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");
        return new ParsedFramework(text, framework, DerivedMetricEvaluator.Prepare(framework));
    }

    // Parsed once per framework and variant (LoadParsedAsync keeps it), with its derived metrics ready to evaluate.
    private sealed record ParsedFramework(string Text, Framework Framework, PreparedDerivedMetrics DerivedMetrics);

    private static Dictionary<string, string> ReadMetadata(AnalysisParams parameters)
    {
        if (parameters.Extra?.TryGetValue("metadata", out var element) != true || element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return [];
        }

        return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
