using System.Text.Json.Serialization;

namespace Discernus.Calibration;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CalibrationArtifact))]
internal sealed partial class CalibrationJsonContext : JsonSerializerContext;
