using System.Collections.Concurrent;
using Discernus.Agents;
using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.Orchestration;

/// <summary>
/// The runs this process serves and the one <see cref="ModelGateway"/> they share, so circuit breakers, concurrency
/// bounds and rate limits hold for the whole process (and, with a Redis token-bucket store, for every worker). Each run
/// gets its log and, per model, a client whose calls are recorded in that run's <c>logs/llm_interactions.jsonl</c> and
/// counted (<see cref="CountsOf"/>). A run this process does not know (a remote worker's case) has no run log here: its
/// calls are recorded in this process's log and, with <see cref="RegistryLinks.RemoteCalls"/>, sent to the run's
/// Orchestrator through Redis; its results carry tokens, cost, call counts and hashes.
/// </summary>
internal sealed class RunRegistry(
    ModelSettings settings, ModelGatewayOptions gatewayOptions, IResponseCache? cache, TimeProvider timeProvider, ITokenBucketStore? buckets = null,
    Microsoft.Extensions.Logging.ILogger? logger = null, RegistryLinks? links = null, Telemetry.DiscernusMetrics? metrics = null)
    : IRunServices, IDisposable
{
    private readonly ILlmInteractionSink _elsewhere = links?.RemoteCalls is { } remote
        ? new TeeInteractionSink(new ProcessLogInteractionSink(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance), remote)
        : new ProcessLogInteractionSink(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private readonly ConcurrentDictionary<string, RegisteredRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _reportedOutages = new(StringComparer.Ordinal);
    private readonly ModelGateway _gateway = new(settings, gatewayOptions, null, cache, timeProvider, null, buckets, links?.Ceilings, logger, metrics);
    private readonly PriceTable _prices = PriceTable.LoadDefault();
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _unregisteredClients = new(StringComparer.Ordinal);

    /// <summary>The process's gateway (breaker and concurrency state for progress displays).</summary>
    public ModelGateway Gateway => _gateway;

    /// <param name="interactions">Where model calls are recorded; the run's <c>logs/llm_interactions.jsonl</c> by default.</param>
    public void Register(RunLog log, ILlmInteractionSink? interactions = null) =>
        _runs[log.Folder.RunId] = new RegisteredRun(log, new CountingInteractionSink(interactions ?? new RunLogInteractionSink(log)));

    /// <summary>
    /// A model call made by an agent's child process: counted in this process's metrics (the child's gateway exports
    /// none, and the status code is not carried over), then recorded as <see cref="RecordAsync"/> does.
    /// </summary>
    public ValueTask RecordChildCallAsync(string runId, LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        metrics?.ModelCall(interaction.Model, TimeSpan.FromMilliseconds(interaction.DurationMs), interaction.Cached, interaction.Error is not null, null,
            interaction.PromptTokens, interaction.CompletionTokens, interaction.CostUsd);
        return RecordAsync(runId, interaction, cancellationToken);
    }

    /// <summary>
    /// A model call made for the run in another process (an agent's child process, a worker elsewhere): recorded and
    /// counted as if made here; for a run hosted elsewhere, passed on as this process's own calls are.
    /// </summary>
    public ValueTask RecordAsync(string runId, LlmInteraction interaction, CancellationToken cancellationToken = default) =>
        _runs.TryGetValue(runId, out var run) ? run.Sink.RecordAsync(interaction, cancellationToken) : _elsewhere.RecordAsync(interaction, cancellationToken);

    /// <summary>Records the outage on the run, once per outage per process (every waiting call of the process reports it).</summary>
    public async ValueTask ReportOutageAsync(string runId, ModelOutage outage, CancellationToken cancellationToken)
    {
        if (links?.RecordOutage is not { } record || (_reportedOutages.TryGetValue(runId, out var known) && known == outage.Since))
        {
            return;
        }

        _reportedOutages[runId] = outage.Since;
        await record(runId, outage, cancellationToken).ConfigureAwait(false);
    }

    public void Unregister(string runId)
    {
        _reportedOutages.TryRemove(runId, out _);
        if (_runs.TryRemove(runId, out var run))
        {
            run.Dispose();
        }
    }

    public RunLog? LogFor(string runId) => _runs.TryGetValue(runId, out var run) ? run.Log : null;

    /// <summary>The run's provider requests, cache hits, retries and failed requests so far (zeros for an unknown run).</summary>
    public ModelCallCounts CountsOf(string runId) => _runs.TryGetValue(runId, out var run) ? run.Sink.Counts : ModelCallCounts.None;

    public IChatClient ClientFor(string runId, string model)
    {
        var run = _runs.GetValueOrDefault(runId);
        var clients = run?.Clients ?? _unregisteredClients;
        return clients.GetOrAdd(model, m => new Lazy<IChatClient>(() => _gateway.CreateClient(ModelName.Parse(m), run is null ? _elsewhere : run.Sink))).Value;
    }

    public decimal? CostOf(string model, ProviderUsage usage, BillingMode mode) =>
        ModelName.TryParse(model, out var name, out _) ? name.IsHosted ? _prices.CostOf(name, usage, mode) : 0m : null;

    public decimal? CostOf(string model, long promptTokens, long completionTokens) =>
        ModelName.TryParse(model, out var name, out _) ? name.IsHosted ? _prices.CostOf(name, promptTokens, completionTokens) : 0m : null;

    public void Dispose()
    {
        foreach (var run in _runs.Values)
        {
            run.Dispose();
        }

        _runs.Clear();
        foreach (var client in _unregisteredClients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _gateway.Dispose();
    }

    private sealed record RegisteredRun(RunLog Log, CountingInteractionSink Sink) : IDisposable
    {
        public ConcurrentDictionary<string, Lazy<IChatClient>> Clients { get; } = new(StringComparer.Ordinal);

        public void Dispose()
        {
            foreach (var client in Clients.Values.Where(c => c.IsValueCreated))
            {
                client.Value.Dispose();
            }

            // Closes its open log files; a line written later (a task finishing after the run) opens them again.
            Log.Dispose();
        }
    }
}

/// <summary>What a registry is connected to beyond its process: the shared concurrency ceiling, where calls for runs hosted elsewhere go, and where an outage is recorded on a run.</summary>
internal sealed record RegistryLinks(
    IConcurrencyCeilingStore? Ceilings = null,
    ILlmInteractionSink? RemoteCalls = null,
    Func<string, ModelOutage, CancellationToken, Task>? RecordOutage = null);

/// <summary>Passes every record (and every start) to two sinks.</summary>
internal sealed class TeeInteractionSink(ILlmInteractionSink first, ILlmInteractionSink second) : ILlmInteractionSink
{
    public async ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        await first.RecordAsync(interaction, cancellationToken).ConfigureAwait(false);
        await second.RecordAsync(interaction, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask BeginAsync(LlmCallStart start, CancellationToken cancellationToken = default)
    {
        await first.BeginAsync(start, cancellationToken).ConfigureAwait(false);
        await second.BeginAsync(start, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Model calls of runs whose folder is on another machine (a remote worker): recorded as events of this process's
/// log (the same fields as <c>llm_interactions.jsonl</c>), so no call goes unrecorded.
/// </summary>
internal sealed class ProcessLogInteractionSink(Microsoft.Extensions.Logging.ILogger logger) : ILlmInteractionSink
{
    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(
            logger,
            "Model call {Model} for task {TaskId} ({CallerAgent}): attempt {Attempt}, cached {Cached}, prompt {PromptHash}, answer {AnswerHash}, tokens {PromptTokens}/{CompletionTokens}, {DurationMs} ms, cost {CostUsd}, error {Error}",
            interaction.Model, interaction.TaskId, interaction.CallerAgent, interaction.Attempt, interaction.Cached, interaction.PromptHash, interaction.AnswerHash,
            interaction.PromptTokens, interaction.CompletionTokens, interaction.DurationMs, interaction.CostUsd, interaction.Error);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Writes each model call to the run's <c>logs/llm_interactions.jsonl</c> with the standard log fields.</summary>
internal sealed class RunLogInteractionSink(RunLog log) : ILlmInteractionSink
{
    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        var line = new Dictionary<string, object?>
        {
            ["timestamp"] = IsoTime.Format(interaction.Timestamp),
            ["run_id"] = log.Folder.RunId,
            ["agent_name"] = "ModelGateway",
            ["stage"] = "model_call",
            ["log_level"] = interaction.Error is null ? "info" : "warning",
            ["message"] = interaction.Error is null ? $"{interaction.Model} answered" : $"{interaction.Model} failed: {interaction.Error}",
            ["model"] = interaction.Model,
            ["provider"] = interaction.Provider,
            ["prompt_hash"] = interaction.PromptHash,
            ["answer_hash"] = interaction.AnswerHash,
            ["prompt_tokens"] = interaction.PromptTokens,
            ["completion_tokens"] = interaction.CompletionTokens,
            ["duration_ms"] = interaction.DurationMs,
            ["cost_usd"] = interaction.CostUsd,
            ["cached"] = interaction.Cached,
            ["mode"] = interaction.Mode,
            ["attempt"] = interaction.Attempt,
            ["error"] = interaction.Error,
            ["caller_agent"] = interaction.CallerAgent,
            ["caller_stage"] = interaction.CallerStage,
            ["task_id"] = interaction.TaskId,
        };

        // The provider's prompt-cache counts, only when it reported them (as billed: they are priced differently).
        if (interaction.CachedInputTokens is { } read)
        {
            line["cached_input_tokens"] = read;
        }

        if (interaction.CacheWriteTokens is { } written)
        {
            line["cache_write_tokens"] = written;
        }

        log.Append(RunFolder.InteractionsLogName, line);
        return ValueTask.CompletedTask;
    }
}
