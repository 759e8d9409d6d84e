using System.Text.Json.Serialization;

namespace Discernus.Statistics;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true)]
[JsonSerializable(typeof(CorpusStatistics))]
internal sealed partial class StatisticsJsonContext : JsonSerializerContext;
