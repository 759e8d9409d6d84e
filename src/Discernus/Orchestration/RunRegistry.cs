using System.Collections.Concurrent;
using Discernus.Agents;
using Discernus.Models;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.Orchestration;

/// <summary>
/// The runs this process serves: each run's log and, per model, a gateway client whose calls are recorded in that
/// run's <c>logs/llm_interactions.jsonl</c>. A run this process does not know (a remote worker's case) gets an
/// unrecorded client and no run log; its results still carry tokens, cost and hashes.
/// </summary>
internal sealed class RunRegistry(ModelSettings settings, ModelGatewayOptions gatewayOptions, IResponseCache? cache, TimeProvider timeProvider)
    : IRunServices, IDisposable
{
    private readonly ConcurrentDictionary<string, RegisteredRun> _runs = new(StringComparer.Ordinal);
    private readonly Lazy<ModelGateway> _unregistered = new(() => new ModelGateway(settings, gatewayOptions, null, cache, timeProvider));
    private readonly PriceTable _prices = PriceTable.LoadDefault();
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _unregisteredClients = new(StringComparer.Ordinal);

    public void Register(RunLog log) =>
        _runs[log.Folder.RunId] = new RegisteredRun(log, new ModelGateway(settings, gatewayOptions, new RunLogInteractionSink(log), cache, timeProvider));

    public void Unregister(string runId)
    {
        if (_runs.TryRemove(runId, out var run))
        {
            run.Dispose();
        }
    }

    public RunLog? LogFor(string runId) => _runs.TryGetValue(runId, out var run) ? run.Log : null;

    public IChatClient ClientFor(string runId, string model)
    {
        var gateway = _runs.TryGetValue(runId, out var run) ? run.Gateway : _unregistered.Value;
        var clients = run?.Clients ?? _unregisteredClients;
        return clients.GetOrAdd(model, m => new Lazy<IChatClient>(() => gateway.CreateClient(m))).Value;
    }

    public decimal? CostOf(string model, long promptTokens, long completionTokens) =>
        ModelName.TryParse(model, out var name, out _) ? name.IsHosted ? _prices.CostOf(name, promptTokens, completionTokens) : 0m : null;

    public void Dispose()
    {
        foreach (var run in _runs.Values)
        {
            run.Dispose();
        }

        _runs.Clear();
        if (_unregistered.IsValueCreated)
        {
            _unregistered.Value.Dispose();
        }
    }

    private sealed record RegisteredRun(RunLog Log, ModelGateway Gateway) : IDisposable
    {
        public ConcurrentDictionary<string, Lazy<IChatClient>> Clients { get; } = new(StringComparer.Ordinal);

        public void Dispose()
        {
            foreach (var client in Clients.Values.Where(c => c.IsValueCreated))
            {
                client.Value.Dispose();
            }

            Gateway.Dispose();
        }
    }
}

/// <summary>Writes each model call to the run's <c>logs/llm_interactions.jsonl</c> with the standard log fields.</summary>
internal sealed class RunLogInteractionSink(RunLog log) : ILlmInteractionSink
{
    public ValueTask RecordAsync(LlmInteraction interaction, CancellationToken cancellationToken = default)
    {
        log.Append("llm_interactions", new Dictionary<string, object?>
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
            ["attempt"] = interaction.Attempt,
        });
        return ValueTask.CompletedTask;
    }
}
