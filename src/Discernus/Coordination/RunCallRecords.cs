using System.Text.Json;
using Discernus.Models;
using StackExchange.Redis;

namespace Discernus.Coordination;

/// <summary>
/// <c>run:{run_id}:calls</c>: the model calls a worker made for a run whose folder it cannot write (a run hosted by
/// another process), pushed as they happen: a start before each provider request, the interaction record after it.
/// The run's Orchestrator takes them (<see cref="TakeAsync"/>) into the run's <c>logs/llm_interactions.jsonl</c> and
/// counts, so calls made anywhere are recorded, and a start whose record never came (a killed worker) still counts.
/// </summary>
internal sealed class RunCallRecords(RedisConnections connections, RedisKeys keys)
{
    private const string StartPrefix = "S";
    private const string EndPrefix = "E";

    // Kept a week at most, like an abandoned run's other keys; the Orchestrator shortens it when the run ends.
    private static readonly long TimeToLiveSeconds = (long)TimeSpan.FromDays(7).TotalSeconds;

    // KEYS: calls. ARGV: entry, ttl s. A list that the Orchestrator emptied is gone: a late push makes a new one, with a TTL.
    private const string Push = """
        redis.call('RPUSH', KEYS[1], ARGV[1])
        if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    // KEYS: calls. ARGV: most entries. Takes the oldest entries in one step.
    private const string Take = """
        local n = tonumber(ARGV[1])
        local taken = redis.call('LRANGE', KEYS[1], 0, n - 1)
        if #taken > 0 then redis.call('LTRIM', KEYS[1], #taken, -1) end
        return taken
        """;

    public Task PushStartAsync(string runId, LlmCallStart start, CancellationToken cancellationToken = default) =>
        PushAsync(runId, StartPrefix + JsonSerializer.Serialize(start, ModelsJsonContext.Default.LlmCallStart), cancellationToken);

    public Task PushEndAsync(string runId, LlmInteraction interaction, CancellationToken cancellationToken = default) =>
        PushAsync(runId, EndPrefix + JsonSerializer.Serialize(interaction, ModelsJsonContext.Default.LlmInteraction), cancellationToken);

    /// <summary>Takes up to <paramref name="max"/> records, oldest first; a malformed entry is skipped.</summary>
    public async Task<IReadOnlyList<RunCallRecord>> TakeAsync(string runId, int max, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = keys.RunCalls(runId);
        RedisResult result;
        try
        {
            result = await connections.Database.ScriptEvaluateAsync(Take, [key], [max]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw CoordinationFaultException.WrongType(key, RedisType.List, await connections.Database.KeyTypeAsync(key).ConfigureAwait(false));
        }

        var records = new List<RunCallRecord>();
        foreach (var entry in (RedisResult[])result!)
        {
            var text = entry.ToString();
            try
            {
                if (text.StartsWith(StartPrefix, StringComparison.Ordinal)
                    && JsonSerializer.Deserialize(text.AsSpan(1), ModelsJsonContext.Default.LlmCallStart) is { } start)
                {
                    records.Add(new RunCallRecord(start, null));
                }
                else if (text.StartsWith(EndPrefix, StringComparison.Ordinal)
                         && JsonSerializer.Deserialize(text.AsSpan(1), ModelsJsonContext.Default.LlmInteraction) is { } interaction)
                {
                    records.Add(new RunCallRecord(null, interaction));
                }
            }
            catch (JsonException)
            {
                // Not ours to fail on: the record of one call is lost, the run goes on.
                continue;
            }
        }

        return records;
    }

    private async Task PushAsync(string runId, string entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = keys.RunCalls(runId);
        try
        {
            await connections.Database.ScriptEvaluateAsync(Push, [key], [entry, TimeToLiveSeconds]).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (KeyTypeGuard.IsWrongType(ex))
        {
            throw CoordinationFaultException.WrongType(key, RedisType.List, await connections.Database.KeyTypeAsync(key).ConfigureAwait(false));
        }
    }
}

/// <summary>One entry of <c>run:{run_id}:calls</c>: a provider request's start, or a call's interaction record.</summary>
internal sealed record RunCallRecord(LlmCallStart? Start, LlmInteraction? Interaction);
