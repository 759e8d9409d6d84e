using System.Text.Json.Serialization;

namespace Discernus.Models;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(LlmInteraction))]
[JsonSerializable(typeof(LlmCallStart))]
[JsonSerializable(typeof(CachedChatResponse))]
internal sealed partial class ModelsJsonContext : JsonSerializerContext;
