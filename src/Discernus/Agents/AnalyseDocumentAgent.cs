using Discernus.Batches;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
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
        var variant = task.Params.AnalysisVariant ?? "default";
        var (frameworkText, framework) = await LoadParsedAsync(task.FrameworkHash, "framework", bytes => ParseFramework(bytes, variant), cancellationToken, variant).ConfigureAwait(false);
        var documentText = await LoadTextAsync(task.DocumentHash, "document", cancellationToken).ConfigureAwait(false);
        var prompt = await LoadParsedAsync(task.PromptHash, "prompt", PromptTemplate.Parse, cancellationToken).ConfigureAwait(false);

        var dimensionNames = string.Join(", ", framework.Dimensions.Select(d => d.Name));
        var messages = AnalysisRequest.Messages(prompt, frameworkText, framework, variant, task.DocumentName, documentText);
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

        var client = Context.Runs.ClientFor(task.RunId, task.Model);
        var allowNotScorable = task.Model == ModelName.LexiconName;
        var started = Context.TimeProvider.GetTimestamp();
        long promptTokens = 0, completionTokens = 0;
        decimal? costUsd = 0m;
        var cached = true;
        AnalysisValidationResult? validation = null;
        ChatResponse? accepted = null;
        string? cacheKey = null;
        var staleCacheRefreshed = false;
        var attempts = 0;
        string? modelVersion = null;
        while (attempts < Context.MaxAnswerAttempts)
        {
            attempts++;
            ChatResponse response;
            try
            {
                response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelCallException ex) when (ex.EndpointFailure is null)
            {
                throw new AgentFailureException($"model call failed after {ex.Attempts} attempt(s): {ex.Message}");
            }

            await StoreTranscriptAsync(messages, response, cancellationToken).ConfigureAwait(false);
            cacheKey ??= ResponseCacheCommit.CacheKeyOf(response);
            var fromCache = ResponseCacheCommit.IsCached(response);
            validation = AnalysisAnswerValidator.Validate(response.Text, framework, allowNotScorable);
            if (!validation.IsValid && fromCache && !staleCacheRefreshed)
            {
                Log(task.RunId, "warning", $"the cached answer for {task.DocumentName} from {task.Model} is invalid; asking the model again",
                    new Dictionary<string, object?> { ["task_id"] = task.TaskId, ["problems"] = validation.Problems });
                staleCacheRefreshed = true;
                attempts--;
                options = options.Clone();
                options.AdditionalProperties = new AdditionalPropertiesDictionary(options.AdditionalProperties!) { [ModelCallKeys.CacheMode] = CacheModes.Refresh };
                continue;
            }

            // The provider's own name for the model that answered (e.g. a dated snapshot behind an alias).
            modelVersion = response.ModelId ?? modelVersion;
            promptTokens += response.Usage?.InputTokenCount ?? 0;
            completionTokens += response.Usage?.OutputTokenCount ?? 0;
            cached &= fromCache;
            if (!fromCache)
            {
                costUsd += Context.Runs.CostOf(task.Model, ProviderUsage.Of(response.Usage), ResponseCacheCommit.BillingModeOf(response));
            }

            if (validation.IsValid)
            {
                accepted = response;
                break;
            }

            Log(task.RunId, "warning", $"answer {attempts} for {task.DocumentName} from {task.Model} was invalid",
                new Dictionary<string, object?> { ["task_id"] = task.TaskId, ["problems"] = validation.Problems });
            messages.Add(new ChatMessage(ChatRole.Assistant, response.Text));
            messages.Add(new ChatMessage(ChatRole.User, PromptTemplate.Fill(prompt.Raw("retry"), new Dictionary<string, string>
            {
                ["validation_errors"] = validation.ProblemsText,
                ["dimension_names"] = dimensionNames,
            })));
        }

        if (validation?.Analysis is not { } analysis || accepted is null)
        {
            throw new AgentFailureException(
                $"the answer of {task.Model} for {task.DocumentName} stayed invalid after {attempts} attempt(s): {string.Join("; ", validation?.Problems ?? [])}");
        }

        await client.CommitToCacheAsync(cacheKey, accepted, cancellationToken).ConfigureAwait(false);

        var scores = analysis.Dimensions.ToDictionary(
            d => d.Name,
            d => new DimensionScore
            {
                Score = d.Score,
                Salience = d.Salience,
                Confidence = d.Confidence,
                NotScorableReason = d.NotScorableReason,
                Evidence = d.Evidence.Select(q => new EvidenceQuote(q, EvidenceVerifier.IsVerified(q, documentText))).ToList(),
            });
        var derived = DerivedMetricEvaluator.EvaluateAll(framework,
            DimensionValues.Lookup(scores.ToDictionary(kv => kv.Key, kv => new DimensionValues(kv.Value.Score, kv.Value.Salience, kv.Value.Confidence))));

        var result = new AnalysisResult
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
                ModelVersion = modelVersion,
                Temperature = options.Temperature,
                Seed = options.Seed,
                Run = task.Params.Run,
                TokensUsed = new TokenUsage(promptTokens, completionTokens),
                CostUsd = cached ? 0m : costUsd,
                PromptHash = task.PromptHash,
                FrameworkHash = task.FrameworkHash,
                DocumentHash = task.DocumentHash,
                TaskId = task.TaskId,
                Attempts = attempts,
                DurationMs = (long)Context.TimeProvider.GetElapsedTime(started).TotalMilliseconds,
                Cached = cached,
                Worker = Context.Worker,
                ProviderRequests = tally.Counts.ProviderRequests,
                CacheHits = tally.Counts.CacheHits,
                Retries = tally.Counts.Retries,
                FailedRequests = tally.Counts.Failures,
                OfflineAnalyses = tally.Counts.OfflineAnalyses,
            },
        };
        return await StoreJsonAsync(result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the exact prompt and answer of an attempt in the artifact store, under the very hashes the interaction log
    /// records (<c>prompt_hash</c>: the serialised messages; <c>answer_hash</c>: the UTF-8 answer text), so a reader of
    /// the run (`discernus serve`'s document page) can show what the model saw and said, checked by hash.
    /// </summary>
    private async Task StoreTranscriptAsync(IReadOnlyList<ChatMessage> messages, ChatResponse response, CancellationToken cancellationToken)
    {
        await Context.Store.PutAsync(ChatRequestHasher.SerializeMessages(messages), cancellationToken).ConfigureAwait(false);
        await Context.Store.PutAsync(System.Text.Encoding.UTF8.GetBytes(response.Text), cancellationToken).ConfigureAwait(false);
    }

    private static ParsedFramework ParseFramework(byte[] bytes, string variant)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var framework = ExperimentReader.ParseFramework(text, "framework.md", variant, out var problems)
            ?? throw new AgentFailureException($"the stored framework cannot be read: {string.Join("; ", problems.Select(p => p.Message))}");
        return new ParsedFramework(text, framework);
    }

    private sealed record ParsedFramework(string Text, Framework Framework);

    private static Dictionary<string, string> ReadMetadata(AnalysisParams parameters)
    {
        if (parameters.Extra?.TryGetValue("metadata", out var element) != true || element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return [];
        }

        return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }
}
