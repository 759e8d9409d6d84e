using System.Text;
using Discernus.Coordination;
using Discernus.Provenance;

namespace Discernus.Agents;

/// <summary>
/// The one base of every agent: contract validation on receipt, artifact loading by hash, JSONL logging and
/// <see cref="ReportFatalError"/>. Agents stay thin: prepare inputs, call the model, validate, store the artifact.
/// </summary>
internal abstract class BaseAgent<TContract>(AgentContext context) : IAgent
    where TContract : class, ITaskContract
{
    private const int ParsedCacheLimit = 64;
    private readonly Concurrency.SharedTasks<string, object> _parsed = new(StringComparer.Ordinal);

    protected AgentContext Context { get; } = context;

    public string TaskType => TContract.ContractTaskType;

    public abstract string Name { get; }

    protected abstract string Stage { get; }

    public async Task<AgentOutcome> HandleAsync(string contractJson, CancellationToken cancellationToken)
    {
        var read = TaskContractReader.Read<TContract>(contractJson);
        if (read.Contract is not { } contract)
        {
            var runId = TaskIds.TryParse(TryTaskId(contractJson) ?? string.Empty, out var parts) ? parts.RunId : null;
            return ReportFatalError(runId, $"invalid {TaskType} contract: {read.Error}");
        }

        var (run, taskId) = RunAndTask(contract);
        try
        {
            Log(run, "info", $"{Name} started {taskId}");
            var hash = await ExecuteAsync(contract, cancellationToken).ConfigureAwait(false);
            Log(run, "info", $"{Name} finished {taskId}", new Dictionary<string, object?> { ["task_id"] = taskId, ["result_hash"] = hash });
            return AgentOutcome.Success(hash);
        }
        catch (AgentFailureException ex)
        {
            return ReportFatalError(run, $"{taskId}: {ex.Message}");
        }
        catch (Models.ModelEndpointUnusableException ex)
        {
            // Not this task's fault and not one to retry: the run must stop (see AgentOutcome.StopRun).
            Log(run, "error", ex.Message, new Dictionary<string, object?> { ["task_id"] = taskId });
            return AgentOutcome.StopRun(ex.Message);
        }
    }

    protected abstract Task<string> ExecuteAsync(TContract contract, CancellationToken cancellationToken);

    protected abstract (string RunId, string TaskId) RunAndTask(TContract contract);

    /// <summary>Records a failure that retrying will not fix and turns it into a failed outcome with that reason.</summary>
    protected AgentOutcome ReportFatalError(string? runId, string reason)
    {
        Log(runId, "error", reason);
        return AgentOutcome.Failure(reason);
    }

    protected void Log(string? runId, string level, string message, IReadOnlyDictionary<string, object?>? fields = null)
    {
        if (runId is not null && Context.Runs.LogFor(runId) is { } log)
        {
            log.Write(Stage, Name, level, message, fields);
        }
    }

    /// <summary>
    /// Loads and parses an artifact once per agent: content addressing makes the parsed form valid for as long as the
    /// hash (the framework and the prompt are the same for every task of a run).
    /// </summary>
    protected async Task<T> LoadParsedAsync<T>(string hash, string what, Func<byte[], T> parse, CancellationToken cancellationToken, string? variant = null)
        where T : class
    {
        var key = $"{typeof(T).FullName}:{hash}:{variant}";
        if (_parsed.Count >= ParsedCacheLimit && !_parsed.Contains(key))
        {
            _parsed.Clear();
        }

        // One load per key even when every agent loop asks at once (the start of a run): the others await the same
        // task. A failed load is not remembered: the next task tries again.
        return (T)await _parsed.GetAsync(key, async _ => parse(await LoadAsync(hash, what, CancellationToken.None).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
    }

    protected async Task<byte[]> LoadAsync(string hash, string what, CancellationToken cancellationToken) =>
        await Context.Store.GetAsync(hash, cancellationToken).ConfigureAwait(false)
        ?? throw new AgentFailureException($"{what} {hash} is not in the artifact store ({Context.Store.Description})");

    protected async Task<string> LoadTextAsync(string hash, string what, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString(await LoadAsync(hash, what, cancellationToken).ConfigureAwait(false));

    protected Task<string> StoreJsonAsync<T>(T value, CancellationToken cancellationToken) =>
        Context.Store.PutAsync(DiscernusJson.Serialize(value), cancellationToken);

    protected string Now() => IsoTime.Format(Context.TimeProvider.GetUtcNow());

    private static string? TryTaskId(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("task_id", out var id) ? id.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
