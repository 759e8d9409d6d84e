using System.Text.Json;

namespace Discernus.Tests.Infrastructure;

/// <summary>One request received by <see cref="FakeModelServer"/>, kept for assertions.</summary>
public sealed record FakeModelServerRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>When the request arrived (<see cref="TimeProvider.GetTimestamp"/> of the system clock), for measuring gaps between attempts.</summary>
    public long ReceivedAt { get; init; }

    /// <summary>"openai" for POST /v1/chat/completions, "anthropic" for POST /v1/messages, otherwise null.</summary>
    public string? Protocol => Path.EndsWith("/chat/completions", StringComparison.Ordinal) ? "openai"
        : Path.EndsWith("/messages", StringComparison.Ordinal) ? "anthropic"
        : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The API key as sent: the bearer token of Authorization, or x-api-key.</summary>
    public string? ApiKey =>
        Header("x-api-key") ?? (Header("Authorization") is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..] : null);

    /// <summary>The "model" field of the JSON body.</summary>
    public string? Model => Json(root => root.TryGetProperty("model", out var m) ? m.GetString() : null);

    /// <summary>The text of every message in the body, in order (system prompt first for Anthropic).</summary>
    public IReadOnlyList<string> MessageTexts => Json(root =>
    {
        var texts = new List<string>();
        if (root.TryGetProperty("system", out var system))
        {
            texts.AddRange(TextsOf(system));
        }

        if (root.TryGetProperty("messages", out var messages))
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.TryGetProperty("content", out var content))
                {
                    texts.AddRange(TextsOf(content));
                }
            }
        }

        return (IReadOnlyList<string>)texts;
    }) ?? [];

    public T? Json<T>(Func<JsonElement, T> read)
    {
        if (string.IsNullOrWhiteSpace(Body))
        {
            return default;
        }

        using var document = JsonDocument.Parse(Body);
        return read(document.RootElement);
    }

    private static IEnumerable<string> TextsOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => [content.GetString()!],
        JsonValueKind.Array => content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out _))
            .Select(part => part.GetProperty("text").GetString()!)
            .ToList(),
        _ => [],
    };
}
