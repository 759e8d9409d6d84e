using System.Text.Json;
using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Calibration;

/// <summary>
/// The calibration model artifact of a run: every fitted map with its method, parameters, feature set, folds, seed,
/// number of coded documents and candidates' errors, so a map can be applied again to new documents
/// (<see cref="CalibrationArtifactMap.ToMap"/>). Serialised as snake_case JSON with a fixed order (models, then the
/// framework's dimensions) and round-trip numbers, so the same fit always gives the same bytes and hash.
/// </summary>
/// <summary>One calibrated score: the analysis of <paramref name="Document"/> (its key: the text's hash) by a model in one run.</summary>
internal sealed record CalibratedScore(string Document, string Model, int Run, string Dimension, double? Score);

internal sealed record CalibrationArtifact(string Schema, string Method, int Folds, int Seed, IReadOnlyList<CalibrationArtifactMap> Maps)
{
    public const string CurrentSchema = "discernus.calibration/1";

    /// <summary>
    /// Every calibrated score of the run (document key, model, run, dimension, score), sorted so the bytes never depend on the order of the records: what the
    /// statistics used, so an export of the run folder shows the same calibrated values without fitting again.
    /// </summary>
    public IReadOnlyList<CalibratedScore>? Scores { get; init; }

    /// <summary>The calibrated score of one analysis and dimension, by <see cref="Scores"/>; null when none was calibrated.</summary>
    public Func<AnalysisRecord, string, double?> Lookup()
    {
        var index = (Scores ?? []).ToDictionary(s => (s.Document, s.Model, s.Run, s.Dimension), s => s.Score);
        return (record, dimension) => index.TryGetValue((record.DocumentKey, record.Model ?? "", record.Run, dimension), out var score) ? score : null;
    }

    public static CalibrationArtifact Of(CalibrationSettings settings, IReadOnlyList<CalibrationArtifactMap> maps)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new CalibrationArtifact(CurrentSchema, settings.Method, settings.Folds, settings.Seed, maps);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, CalibrationJsonContext.Default.CalibrationArtifact);

    /// <exception cref="InvalidDataException">The bytes are not a calibration artifact this version reads.</exception>
    public static CalibrationArtifact Read(ReadOnlySpan<byte> json)
    {
        CalibrationArtifact? artifact;
        try
        {
            artifact = JsonSerializer.Deserialize(json, CalibrationJsonContext.Default.CalibrationArtifact);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the calibration artifact is not valid JSON: {ex.Message}", ex);
        }

        return artifact is { Schema: CurrentSchema, Maps: not null }
            ? artifact
            : throw new InvalidDataException($"not a calibration artifact of schema {CurrentSchema} (schema: {artifact?.Schema ?? "none"})");
    }

    /// <summary>The entry of one model and dimension; null when it was not calibrated.</summary>
    public CalibrationArtifactMap? Find(string model, string dimension) =>
        Maps.FirstOrDefault(m => string.Equals(m.Model, model, StringComparison.Ordinal) && string.Equals(m.Dimension, dimension, StringComparison.Ordinal));
}
