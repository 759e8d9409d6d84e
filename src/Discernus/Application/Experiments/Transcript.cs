using System.Text;
using System.Text.Json;
using Discernus.Artifacts;

namespace Discernus.Application;

/// <summary>One attempt of a model call as the run recorded it, with the prompt and answer read back from the store by hash.</summary>
/// <param name="Messages">Role and text of each message sent; null when the store does not hold the prompt.</param>
/// <param name="Answer">The answer text; null when the call failed or the store does not hold it.</param>
public sealed record TranscriptAttempt(
    int Attempt, string Model, bool Cached, string PromptHash, string? AnswerHash, IReadOnlyList<(string Role, string Text)>? Messages, string? Answer,
    string? Error, long? PromptTokens, long? CompletionTokens, long? DurationMs, string? Timestamp);

/// <summary>
/// Reads <c>logs/llm_interactions.jsonl</c> of a run for one task and fetches each attempt's prompt (the serialised
/// messages, key <c>prompt_hash</c>) and answer (key <c>answer_hash</c>) from the run's artifact store. The store
/// verifies every hash on read, so what is shown is exactly what was sent and received.
/// </summary>
internal static class Transcript
{
    public static async Task<IReadOnlyList<TranscriptAttempt>> ForTaskAsync(string interactionsFile, string taskId, IArtifactStore? store, CancellationToken cancellationToken)
    {
        var attempts = new List<TranscriptAttempt>();
        if (!File.Exists(interactionsFile))
        {
            return attempts;
        }

        foreach (var line in await File.ReadAllLinesAsync(interactionsFile, cancellationToken))
        {
            if (!line.Contains(taskId, StringComparison.Ordinal))
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            if (Text(root, "task_id") != taskId || Text(root, "prompt_hash") is not { } promptHash)
            {
                continue;
            }

            var answerHash = Text(root, "answer_hash");
            var messages = store is null ? null : await MessagesAsync(store, promptHash, cancellationToken);
            var answerBytes = store is null || answerHash is null ? null : await store.GetAsync(answerHash, cancellationToken);
            attempts.Add(new TranscriptAttempt(
                Number(root, "attempt") is { } n ? (int)n : 1,
                Text(root, "model") ?? "?",
                root.TryGetProperty("cached", out var cached) && cached.ValueKind == JsonValueKind.True,
                promptHash,
                answerHash,
                messages,
                answerBytes is null ? null : Encoding.UTF8.GetString(answerBytes),
                Text(root, "error"),
                Number(root, "prompt_tokens"),
                Number(root, "completion_tokens"),
                Number(root, "duration_ms"),
                Text(root, "timestamp")));
        }

        return attempts;
    }

    private static async Task<IReadOnlyList<(string Role, string Text)>?> MessagesAsync(IArtifactStore store, string hash, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(hash, cancellationToken) is not { } bytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.EnumerateArray()
                .Select(m => (Text(m, "role") ?? "?", string.Join("\n", m.GetProperty("contents").EnumerateArray().Select(c => Text(c, "text") ?? Text(c, "json") ?? string.Empty))))
                .ToList();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return [("(unreadable)", Encoding.UTF8.GetString(bytes))];
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
