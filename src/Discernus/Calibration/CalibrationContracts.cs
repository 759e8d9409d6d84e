using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Calibration;

/// <summary>
/// Calibration of a run's scores to the coders' scale (see <see cref="CalibrationSettings"/>). The synthesis hands
/// <see cref="RunCalibration"/> the run's records, the gold ratings and a way to get a document's features (offline
/// models only); it gets back calibrated records (raw scores replaced, coded documents scored out of fold), the fitted
/// maps as an artifact, and what was chosen for the report.
/// </summary>
/// <param name="Records">The run's records with each dimension's score calibrated; salience, confidence and every other field unchanged.</param>
/// <param name="Artifact">The fitted maps (JSON): method, parameters, feature set and standardisation per model and dimension, the folds and seed; stored by hash so a run is reproducible.</param>
/// <param name="Choices">One per model and dimension that had coded documents.</param>
internal sealed record RunCalibrationResult(
    IReadOnlyList<AnalysisRecord> Records,
    byte[] Artifact,
    IReadOnlyList<CalibrationChoice> Choices);

/// <summary>Features of one document for a model's supervised head; null when the model offers none (hosted models).</summary>
/// <param name="Model">The model whose analyses are calibrated.</param>
/// <param name="Record">One analysis of the document (its <see cref="AnalysisRecord.DocumentHash"/> is the stored text).</param>
internal delegate Task<DocumentFeatureVector?> DocumentFeatures(string model, AnalysisRecord record, CancellationToken cancellationToken);

/// <summary>A document described by numbers beyond its scores, and the name of the feature set (for the report and the artifact).</summary>
internal sealed record DocumentFeatureVector(string FeatureSet, float[] Values);
