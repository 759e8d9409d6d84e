using System.Text.Json.Serialization;

namespace Discernus.Coordination;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnalyseDocumentTask))]
[JsonSerializable(typeof(SynthesizeResultsTask))]
[JsonSerializable(typeof(GenerateReportTask))]
[JsonSerializable(typeof(CompletionSignal))]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(DeadLetterEntry))]
[JsonSerializable(typeof(WorkerHeartbeatInfo))]
internal sealed partial class CoordinationJsonContext : JsonSerializerContext;
