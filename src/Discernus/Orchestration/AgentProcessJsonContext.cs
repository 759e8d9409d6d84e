using System.Text.Json.Serialization;

namespace Discernus.Orchestration;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentProcessRequest))]
[JsonSerializable(typeof(AgentProcessMessage))]
internal sealed partial class AgentProcessJsonContext : JsonSerializerContext;
