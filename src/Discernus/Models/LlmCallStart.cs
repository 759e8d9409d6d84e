using System.Text.Json.Serialization;

namespace Discernus.Models;

/// <summary>
/// A provider request about to be sent, recorded before it goes where the record may otherwise be lost with its process
/// (a worker's calls for a run hosted elsewhere): the run counts a request whose end never arrived (its worker was
/// killed) as made and failed, because the provider may well have received it.
/// </summary>
internal sealed record LlmCallStart
{
    [JsonPropertyName("call_id")] public required string CallId { get; init; }
    [JsonPropertyName("timestamp"), JsonConverter(typeof(UtcTimestampJsonConverter))] public required DateTimeOffset Timestamp { get; init; }
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("provider")] public required string Provider { get; init; }
    [JsonPropertyName("prompt_hash")] public required string PromptHash { get; init; }
    [JsonPropertyName("attempt")] public required int Attempt { get; init; }
    [JsonPropertyName("caller_agent")] public string? CallerAgent { get; init; }
    [JsonPropertyName("caller_stage")] public string? CallerStage { get; init; }
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }
}
