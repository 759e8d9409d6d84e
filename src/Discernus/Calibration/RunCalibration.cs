using Discernus.Experiments;
using Discernus.Statistics;

namespace Discernus.Calibration;

/// <summary>
/// Calibrates a run's scores to the coders' scale (<see cref="CalibrationSettings"/>). Per model and dimension with
/// coded documents (gold rows matched by <see cref="AnalysisRecord.CorpusDocumentId"/>), the label of a document is the
/// coders' mean (each coder's repeated rows averaged first) and its raw score the mean of the model's runs; the map is
/// cross-fitted by <see cref="CalibrationFitter"/>. Every record of the model then gets the dimension's score replaced:
/// a coded document's by the map of its fold (one fitted without it), any other document's by the map fitted on all
/// coded documents; each record's own score is mapped, so runs keep their differences. Salience, confidence and every
/// other field are unchanged; a null score stays null (calibration never invents a score), and a model or dimension
/// without coded documents stays raw.
/// <para>Memory stays bounded by the coded sample: features are fetched and kept for the coded documents only; every
/// other document's features are fetched when its records are mapped and dropped right after.</para>
/// </summary>
internal static class RunCalibration
{
    public static async Task<RunCalibrationResult> CalibrateAsync(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<GoldRating> gold,
        CalibrationSettings settings,
        DocumentFeatures features,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(features);
        CalibrationFitter.ValidFolds(settings);
        if (!CalibrationSettings.Methods.Contains(settings.Method, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown calibration method '{settings.Method}'; use one of {string.Join(", ", CalibrationSettings.Methods)}", nameof(settings));
        }

        var labels = CodersMeans(gold);
        var output = records.ToArray();
        var maps = new List<CalibrationArtifactMap>();
        var choices = new List<CalibrationChoice>();
        var models = Enumerable.Range(0, records.Count)
            .Where(i => records[i].Model is not null)
            .GroupBy(i => records[i].Model!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var model in models)
        {
            var fits = await CalibrateModelAsync(model.Key, model.ToList(), records, output, dimensionNames.Distinct(StringComparer.Ordinal).ToList(), labels, settings, features, cancellationToken).ConfigureAwait(false);
            foreach (var (dimension, fit) in fits)
            {
                maps.Add(CalibrationArtifactMap.Of(model.Key, dimension, fit, settings));
                var ridge = fit.Map as RidgeMap;
                choices.Add(new CalibrationChoice(model.Key, dimension, fit.Map.Method, ridge?.Penalty, ridge is null ? null : fit.Sample.FeatureSet, fit.Sample.Count) { Note = fit.Note });
            }
        }

        var calibrated = maps.Select(m => (m.Model, m.Dimension)).ToHashSet();
        var scores = output
            .SelectMany(r => dimensionNames.Where(d => calibrated.Contains((r.Model ?? "", d)))
                .Select(d => new CalibratedScore(r.DocumentKey, r.Model ?? "", r.Run, d, r.Dimensions.GetValueOrDefault(d)?.Score)))
            .OrderBy(c => c.Document, StringComparer.Ordinal).ThenBy(c => c.Model, StringComparer.Ordinal).ThenBy(c => c.Run).ThenBy(c => c.Dimension, StringComparer.Ordinal)
            .ToList();
        return new RunCalibrationResult(output, (CalibrationArtifact.Of(settings, maps) with { Scores = scores }).ToJson(), choices);
    }

    /// <summary>Per dimension, per document id: the mean over coders of each coder's mean score.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, double>> CodersMeans(IReadOnlyList<GoldRating> gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        return gold
            .GroupBy(g => g.Dimension, StringComparer.Ordinal)
            .ToDictionary(
                byDimension => byDimension.Key,
                byDimension => byDimension
                    .GroupBy(g => g.DocumentId, StringComparer.Ordinal)
                    .ToDictionary(
                        byDocument => byDocument.Key,
                        byDocument => byDocument.GroupBy(g => g.Coder, StringComparer.Ordinal).Average(byCoder => byCoder.Average(g => g.Score)),
                        StringComparer.Ordinal),
                StringComparer.Ordinal);
    }

    private static async Task<List<(string Dimension, CalibrationFit Fit)>> CalibrateModelAsync(
        string model,
        List<int> indexes,
        IReadOnlyList<AnalysisRecord> records,
        AnalysisRecord[] output,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyDictionary<string, Dictionary<string, double>> labels,
        CalibrationSettings settings,
        DocumentFeatures features,
        CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var i in indexes)
        {
            if (records[i].CorpusDocumentId is { } id)
            {
                (byId.TryGetValue(id, out var list) ? list : byId[id] = []).Add(i);
            }
        }

        // The coded documents of each dimension, by id, with the mean of the model's scores over its runs.
        var coded = new List<(string Dimension, List<string> Ids, List<double> Raw, List<double> Labels)>();
        foreach (var dimension in dimensionNames)
        {
            if (!labels.TryGetValue(dimension, out var byDocument))
            {
                continue;
            }

            var ids = new List<string>();
            var raw = new List<double>();
            var y = new List<double>();
            foreach (var (id, label) in byDocument.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (byId.TryGetValue(id, out var list) && MeanScore(records, list, dimension) is { } x)
                {
                    ids.Add(id);
                    raw.Add(x);
                    y.Add(label);
                }
            }

            if (ids.Count > 0)
            {
                coded.Add((dimension, ids, raw, y));
            }
        }

        if (coded.Count == 0)
        {
            return [];
        }

        var codedFeatures = settings.Method is CalibrationSettings.Auto or CalibrationSettings.Ridge
            ? await CodedFeaturesAsync(model, coded.SelectMany(c => c.Ids).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), byId, records, features, cancellationToken).ConfigureAwait(false)
            : null;
        var fits = new List<(string Dimension, CalibrationFit Fit, Dictionary<string, int> Index)>();
        foreach (var (dimension, ids, raw, y) in coded)
        {
            var sample = new CalibrationSample(
                ids, raw, y,
                codedFeatures is null ? null : ids.Select(id => codedFeatures[id].Values).ToList(),
                codedFeatures?.Values.First().FeatureSet);
            var fit = CalibrationFitter.CrossFit(sample, settings, cancellationToken);
            fits.Add((dimension, fit, ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal)));
        }

        await ApplyAsync(model, indexes, records, output, fits, codedFeatures, features, cancellationToken).ConfigureAwait(false);
        return fits.Select(f => (f.Dimension, f.Fit)).ToList();
    }

    /// <summary>The features of every coded document, or null when the model offers none (asked of the first document).</summary>
    private static async Task<Dictionary<string, DocumentFeatureVector>?> CodedFeaturesAsync(
        string model, List<string> ids, Dictionary<string, List<int>> byId, IReadOnlyList<AnalysisRecord> records, DocumentFeatures features,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, DocumentFeatureVector>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var vector = await features(model, records[byId[id][0]], cancellationToken).ConfigureAwait(false);
            if (vector is null)
            {
                return result.Count == 0
                    ? null
                    : throw new InvalidOperationException($"{model} gave features for {result.Count} coded document(s) but none for '{id}': a model offers features for every document or for none");
            }

            Check(model, id, vector, result.Count == 0 ? null : result.Values.First());
            result[id] = vector;
        }

        return result;
    }

    private static async Task ApplyAsync(
        string model,
        List<int> indexes,
        IReadOnlyList<AnalysisRecord> records,
        AnalysisRecord[] output,
        List<(string Dimension, CalibrationFit Fit, Dictionary<string, int> Index)> fits,
        Dictionary<string, DocumentFeatureVector>? codedFeatures,
        DocumentFeatures features,
        CancellationToken cancellationToken)
    {
        var reference = codedFeatures?.Values.First();
        // By manifest id when there is one: two corpus documents with the same text share a hash, yet each must get the
        // map its own coding calls for (its fold's when coded, the full map when not).
        var documents = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var i in indexes)
        {
            var key = records[i].CorpusDocumentId is { } id ? "id:" + id : "key:" + records[i].DocumentKey;
            (documents.TryGetValue(key, out var list) ? list : documents[key] = []).Add(i);
        }

        var chosen = new ICalibrationMap[fits.Count];
        foreach (var group in documents.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = records[group[0]].CorpusDocumentId;
            var needsFeatures = false;
            for (var d = 0; d < fits.Count; d++)
            {
                var (dimension, fit, index) = fits[d];
                chosen[d] = id is not null && index.TryGetValue(id, out var codedIndex) ? fit.MapOf(codedIndex) : fit.Map;
                needsFeatures |= chosen[d].UsesFeatures && group.Any(i => records[i].Dimensions.GetValueOrDefault(dimension)?.Score is not null);
            }

            DocumentFeatureVector? vector = null;
            if (needsFeatures)
            {
                vector = id is not null && codedFeatures!.TryGetValue(id, out var known)
                    ? known
                    : await features(model, records[group[0]], cancellationToken).ConfigureAwait(false)
                      ?? throw new InvalidOperationException($"{model} gave features for the coded documents but none for '{records[group[0]].DocumentKey}': a model offers features for every document or for none");
                Check(model, records[group[0]].DocumentKey, vector, reference);
            }

            foreach (var i in group)
            {
                var dimensions = new Dictionary<string, DimensionValues>(records[i].Dimensions, StringComparer.Ordinal);
                for (var d = 0; d < fits.Count; d++)
                {
                    if (dimensions.TryGetValue(fits[d].Dimension, out var values) && values.Score is { } score)
                    {
                        dimensions[fits[d].Dimension] = values with { Score = chosen[d].Predict(score, vector is null ? default : vector.Values) };
                    }
                }

                output[i] = records[i] with { Dimensions = dimensions };
            }
        }
    }

    private static void Check(string model, string document, DocumentFeatureVector vector, DocumentFeatureVector? reference)
    {
        if (reference is not null && (vector.Values.Length != reference.Values.Length || !string.Equals(vector.FeatureSet, reference.FeatureSet, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"{model} described '{document}' by {vector.Values.Length} {vector.FeatureSet} features but other documents by {reference.Values.Length} {reference.FeatureSet} features: every document of a framework must get the same features");
        }
    }

    private static double? MeanScore(IReadOnlyList<AnalysisRecord> records, List<int> indexes, string dimension)
    {
        double sum = 0;
        var count = 0;
        foreach (var i in indexes)
        {
            if (records[i].Dimensions.GetValueOrDefault(dimension)?.Score is { } score && double.IsFinite(score))
            {
                sum += score;
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }
}
