using System.Text.Json;
using Discernus.Models;

namespace Discernus.Tests.Models;

public sealed class JsonlLlmInteractionSinkTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "discernus-sink-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static LlmInteraction Interaction(int attempt) => new()
    {
        Timestamp = new DateTimeOffset(2026, 11, 24, 10, 15, 0, TimeSpan.Zero),
        Model = "openai/gpt-4o",
        Provider = "openai",
        PromptHash = new string('a', 64),
        AnswerHash = attempt == 2 ? new string('b', 64) : null,
        PromptTokens = 10,
        CompletionTokens = attempt == 2 ? 5 : null,
        DurationMs = 42,
        CostUsd = attempt == 2 ? 0.0001m : null,
        Cached = false,
        Attempt = attempt,
        Error = attempt == 1 ? "HTTP 503" : null,
    };

    [Fact]
    public async Task Records_AreAppendedAsSnakeCaseJsonLines()
    {
        var path = Path.Combine(_directory, "logs", "llm_interactions.jsonl");
        using var sink = new JsonlLlmInteractionSink(path);

        await sink.RecordAsync(Interaction(1));
        await sink.RecordAsync(Interaction(2));

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal("2026-11-24T10:15:00.000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("openai/gpt-4o", root.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("answer_hash").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cost_usd").ValueKind);
        Assert.Equal("HTTP 503", root.GetProperty("error").GetString());
        Assert.Equal(1, root.GetProperty("attempt").GetInt32());
        Assert.Equal(42, root.GetProperty("duration_ms").GetInt64());
        Assert.False(root.GetProperty("cached").GetBoolean());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(0.0001m, second.RootElement.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(5, second.RootElement.GetProperty("completion_tokens").GetInt64());
    }

    [Fact]
    public async Task ConcurrentRecords_NeverInterleave()
    {
        var path = Path.Combine(_directory, "llm.jsonl");
        using var sink = new JsonlLlmInteractionSink(path);

        await Task.WhenAll(Enumerable.Range(1, 50).Select(i => sink.RecordAsync(Interaction(i)).AsTask()));

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(50, lines.Length);
        Assert.Equal(Enumerable.Range(1, 50), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("attempt").GetInt32()).Order());
    }
}
