using System.Text.Json;
using System.Text.Json.Nodes;
using Discernus.Agents;
using Discernus.Artifacts;
using Discernus.Batches;
using Discernus.Coordination;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Provenance;

namespace Discernus.Orchestration.Stages;

/// <summary>
/// Batch mode (`run --batch`): the analyses go to the provider's batch API before the analysis stage queues its tasks.
/// </summary>
internal sealed class ProviderBatches(RunRegistry registry, RunStateStore states, CoordinationResilience resilience, RunStateWriter state, DiscernusSettings settings, TimeProvider time)
{
    private const string Agent = nameof(Orchestrator);

    /// <summary>
    /// Batch mode's hook into the analysis stage: the analyses not yet recorded, of models whose endpoint has a batch API
    /// Discernus speaks (OpenAI-compatible, Anthropic), are sent as batches, one submission per model (<see cref="BatchAnalysisPhase"/>); each task that got an answer carries it
    /// in its contract, so the agent validates, verifies, caches and settles it as it would an interactive answer. Tasks
    /// whose batch line failed carry nothing and are asked interactively; they are named in the manifest
    /// (<c>batch_retries</c>) and the log. Interactive runs pass through unchanged.
    /// </summary>
    public async Task<TaskPlan> WithBatchAnswersAsync(
        RunContext run, IArtifactStore store, TaskPlan planned, IReadOnlyDictionary<string, CompletionSignal>? recorded, CancellationToken cancellationToken)
    {
        if (run.Models.Mode != RunRequestOptions.BatchMode)
        {
            return planned;
        }

        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var retries = new List<ManifestFailure>();
        foreach (var group in planned.Where(p => recorded?.ContainsKey(p.TaskId) != true).GroupBy(p => p.Model ?? "", StringComparer.Ordinal))
        {
            var model = ModelName.Parse(group.Key);
            if (!model.IsHosted)
            {
                // lexicon, minilm: answered on this machine, nothing to batch; said once, so `--batch` is not a silent no-op.
                var offline = $"{model} is an offline model: batch mode changes nothing for it (it sends no provider request)";
                run.Log.Info(StageNames.BatchAnalysis, Agent, offline);
                await state.NoticeAsync(run.Folder.RunId, offline).ConfigureAwait(false);
                continue;
            }

            if (model.Provider.BatchProtocol == BatchProtocol.None)
            {
                var unsupported = $"{model} has no batch API that Discernus speaks yet (OpenAI-compatible endpoints and Anthropic only): its analyses are sent one by one at the interactive price";
                run.Log.Warning(StageNames.BatchAnalysis, Agent, unsupported);
                await state.NoticeAsync(run.Folder.RunId, unsupported).ConfigureAwait(false);
                continue;
            }

            await SendAsync(run, store, model, group.ToList(), answers, retries, cancellationToken).ConfigureAwait(false);
        }

        await run.Folder.UpdateManifestAsync(m => m with { BatchRetries = retries }, CancellationToken.None).ConfigureAwait(false);
        return TaskPlan.Of([.. planned.Select(p => answers.TryGetValue(p.TaskId, out var hash)
            ? p with { Contract = traceparent => BatchAnswers.WithAnswer(p.Contract(traceparent), hash) }
            : p)]);
    }

    /// <summary>One model's analyses as provider batches: the answers by task, and the lines that failed for <paramref name="retries"/>.</summary>
    private async Task SendAsync(RunContext run, IArtifactStore store, ModelName model, IReadOnlyList<PlannedTask> group, Dictionary<string, string> answers, List<ManifestFailure> retries, CancellationToken cancellationToken)
    {
        var models = registry.Gateway.Settings;
        using IBatchApi client = model.Provider.BatchProtocol == BatchProtocol.Anthropic
            ? new AnthropicBatchClient(models.RequireBaseUrl(model), models.RequireApiKey(model), time)
            : new OpenAIBatchClient(models.RequireBaseUrl(model), models.RequireApiKey(model), time);
        var phase = new BatchAnalysisPhase(client, settings.Batches, run.Folder.Path, run.Folder.RunId, model.ToString(), store, time,
            submission => RecordBatchesAsync(run, model.ToString(), submission));
        var requests = new BatchRequestBuilder(store, model, registry.Gateway.Options.DefaultMaxOutputTokens);
        var items = group.Select(p => new BatchItem(p.TaskId, p.DocumentName, ct => requests.BuildAsync(p.Contract(null), ct))).ToList();
        run.Log.Info(StageNames.BatchAnalysis, Agent, $"sending {items.Count} analyses of {model} as provider batches (results within 24 h, no live progress)");
        BatchOutcome outcome;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = WatchCancelFlagAsync(run.Folder.RunId, watching);
        try
        {
            outcome = await phase.RunAsync(items, watching.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && watching.IsCancellationRequested)
        {
            // Cancelled by the user (`run` interrupted, serve's cancel): stop spending, keep what was answered.
            run.Log.Warning(StageNames.BatchAnalysis, Agent, "the run was cancelled: cancelling its provider batches");
            await phase.CancelOpenAsync(CancellationToken.None).ConfigureAwait(false);
            throw new OperationCanceledException("the run was cancelled");
        }
        catch (Exception ex) when (ex is BatchApiException or InvalidDataException or ArgumentException)
        {
            // What was submitted is recorded: a resumed run picks it up instead of sending it again.
            throw new RunFailedException(
                $"the batch API of {model} failed: {models.Redact(ex.Message)}. Batches already submitted are recorded in {BatchAnalysisPhase.RelativeFolder(model.ToString())}/{BatchAnalysisPhase.SubmissionFile}; `discernus run --resume {run.Folder.Path}` picks them up.");
        }

        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }

        foreach (var (task, hash) in outcome.Answers)
        {
            answers[task] = hash;
        }

        foreach (var failure in outcome.Failures)
        {
            retries.Add(new ManifestFailure(failure.TaskId, failure.DocumentName, model.ToString(), failure.Reason));
            run.Log.Warning(StageNames.BatchAnalysis, Agent, $"the batch answer for {failure.DocumentName ?? failure.TaskId} cannot be used ({failure.Reason}); it is asked interactively");
        }
    }

    /// <summary>Cancels <paramref name="watching"/> when the run's cancel flag is set; ends quietly when it is cancelled itself.</summary>
    private async Task WatchCancelFlagAsync(string runId, CancellationTokenSource watching)
    {
        try
        {
            while (!watching.IsCancellationRequested)
            {
                await Task.Delay(StageWaiter.CancelCheck, time, watching.Token).ConfigureAwait(false);
                if (await resilience.ExecuteAsync(ct => states.IsCancelRequestedAsync(runId, ct), $"reading the state of run {runId}", watching.Token).ConfigureAwait(false))
                {
                    await watching.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The batches ended, or the run stopped: nothing to watch.
        }
    }

    /// <summary>The model's batches in the manifest, beside those of the run's other models (each model has its own folder).</summary>
    private static Task RecordBatchesAsync(RunContext run, string model, BatchSubmission submission)
    {
        var folder = BatchAnalysisPhase.RelativeFolder(model) + "/";
        return run.Folder.UpdateManifestAsync(m => m with
        {
            Batches = [.. m.Batches.Where(b => !b.File.StartsWith(folder, StringComparison.Ordinal)),
                .. submission.Chunks.Select(c => new ManifestBatch(c.File, c.Sha256, c.TaskIds.Count, c.BatchId, c.Status, c.Completed, c.Failed))],
        }, CancellationToken.None);
    }

    /// <summary>
    /// The body of a batch line: the very request the agent would send (<see cref="AnalysisRequest"/>), in the wire format
    /// of the model's provider (Anthropic: the system block marked as a cache breakpoint, as the gateway marks it).
    /// </summary>
    private sealed class BatchRequestBuilder(IArtifactStore store, ModelName model, int maxOutputTokens)
    {
        private readonly Dictionary<string, object> _parsed = new(StringComparer.Ordinal);

        public async Task<BatchRequest> BuildAsync(string contractJson, CancellationToken cancellationToken)
        {
            var task = JsonSerializer.Deserialize(contractJson, CoordinationJson.TypeInfo<AnalyseDocumentTask>())!;
            var variant = task.Params.AnalysisVariant ?? "default";
            var (frameworkText, framework) = await ParsedAsync($"framework:{task.FrameworkHash}:{variant}", task.FrameworkHash, bytes =>
            {
                var text = System.Text.Encoding.UTF8.GetString(bytes);
                return (text, ExperimentReader.ParseFramework(text, "framework.md", variant, out var problems)
                    ?? throw new RunFailedException($"the stored framework cannot be read: {string.Join("; ", problems.Select(p => p.Message))}"));
            }, cancellationToken).ConfigureAwait(false);
            var prompt = await ParsedAsync($"prompt:{task.PromptHash}", task.PromptHash, PromptTemplate.Parse, cancellationToken).ConfigureAwait(false);
            var document = await store.GetAsync(task.DocumentHash, cancellationToken).ConfigureAwait(false)
                ?? throw new RunFailedException($"the document {task.DocumentHash} of {task.TaskId} is not in the artifact store");
            var messages = AnalysisRequest.Messages(prompt, frameworkText, framework, variant, task.DocumentName, System.Text.Encoding.UTF8.GetString(document));
            var (temperature, seed) = AnalysisRequest.Sampling(task);
            var promptHash = ChatRequestHasher.HashMessages(messages);
            if (model.Provider.BatchProtocol == BatchProtocol.Anthropic)
            {
                var anthropic = new JsonObject
                {
                    ["model"] = model.Model,
                    ["max_tokens"] = maxOutputTokens,
                    ["system"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = messages[0].Text, ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
                    ["messages"] = new JsonArray(messages.Skip(1).Select(m => (JsonNode)new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text }).ToArray()),
                };
                if (temperature is { } at)
                {
                    anthropic["temperature"] = at;
                }

                return new BatchRequest(anthropic, promptHash);
            }

            var body = new JsonObject
            {
                ["model"] = model.Model,
                ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text }).ToArray()),
                ["response_format"] = new JsonObject { ["type"] = "json_object" },
            };
            if (temperature is { } t)
            {
                body["temperature"] = t;
            }

            if (seed is { } s)
            {
                body["seed"] = s;
            }

            return new BatchRequest(body, promptHash);
        }

        private async Task<T> ParsedAsync<T>(string key, string hash, Func<byte[], T> parse, CancellationToken cancellationToken)
            where T : notnull
        {
            if (!_parsed.TryGetValue(key, out var value))
            {
                var bytes = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false)
                    ?? throw new RunFailedException($"{hash} is not in the artifact store");
                _parsed[key] = value = parse(bytes);
            }

            return (T)value;
        }
    }
}
