using System.Globalization;
using Discernus.Experiments;

namespace Discernus.Calibration;

/// <summary>
/// Cross-fitting without leaks. The coded documents are dealt into k seeded folds (<see cref="CalibrationFolds"/>);
/// for each fold, the method (for auto) and ridge's penalty are chosen by an inner k-fold cross-validation on the other
/// folds only, the chosen map is fitted on them, and it scores the fold's documents. A coded document's calibrated
/// score therefore comes from a map whose choice and fit never saw its label (nested cross-validation), so agreement
/// with the coders measured on it is honest. The map for uncoded documents is chosen and fitted the same way on all
/// coded documents. Candidates are compared on mean squared error against the coders' mean; on a tie the simpler
/// (identity, then linear, isotonic, ridge) wins.
/// </summary>
internal static class CalibrationFitter
{
    /// <summary>Below this many coded documents per outer fold the maps would be fitted on next to nothing: scores stay raw.</summary>
    public const int MinimumDocumentsPerFold = 2;

    /// <summary>The candidates of auto, in order of simplicity (ridge only when the model has features).</summary>
    public static readonly IReadOnlyList<string> Candidates =
        [CalibrationSettings.Identity, CalibrationSettings.Linear, CalibrationSettings.Isotonic, CalibrationSettings.Ridge];

    public static CalibrationFit CrossFit(CalibrationSample sample, CalibrationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(settings);
        sample.Validate();
        var k = ValidFolds(settings);
        var method = settings.Method;
        if (!CalibrationSettings.Methods.Contains(method, StringComparer.Ordinal))
        {
            throw new ArgumentException($"unknown calibration method '{method}'; use one of {string.Join(", ", CalibrationSettings.Methods)}", nameof(settings));
        }

        string? note = null;
        if (method == CalibrationSettings.Ridge && !sample.HasFeatures)
        {
            method = CalibrationSettings.Linear;
            note = "ridge was asked for, but this model offers no document features (only the offline models do): linear was used instead";
        }

        var n = sample.Count;
        var all = Enumerable.Range(0, n).ToArray();
        var outer = CalibrationFolds.Assign(sample.DocumentIds, k, settings.Seed, CalibrationFolds.Outer);
        if (n < MinimumDocumentsPerFold * k)
        {
            var raw = all.Select(i => IdentityMap.Instance.Predict(sample.RawScores[i], default)).ToArray();
            return new CalibrationFit(
                sample, outer, Enumerable.Repeat<ICalibrationMap>(IdentityMap.Instance, k).ToList(), raw,
                new CalibrationSelection(CalibrationSettings.Identity, null, []), IdentityMap.Instance, MeanSquaredError(raw, sample.Labels, all),
                string.Create(CultureInfo.InvariantCulture, $"{n} coded document(s), fewer than {MinimumDocumentsPerFold * k} ({MinimumDocumentsPerFold} per fold of {k}): the scores stay raw"));
        }

        var design = sample.Features is { } features
            ? all.Select(i => (double[])[sample.RawScores[i], .. features[i].Select(v => (double)v)]).ToList()
            : null;
        var foldMaps = new List<ICalibrationMap>(k);
        var outOfFold = new double[n];
        for (var f = 0; f < k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fold = f;
            var train = all.Where(i => outer[i] != fold).ToArray();
            var selection = Select(sample, design, train, method, k, settings.Seed, allCandidates: false, cancellationToken);
            var map = Fit(sample, design, train, selection);
            foldMaps.Add(map);
            foreach (var i in all.Where(i => outer[i] == fold))
            {
                outOfFold[i] = map.Predict(sample.RawScores[i], sample.Features is { } fs ? fs[i] : default);
            }
        }

        var fullSelection = Select(sample, design, all, method, k, settings.Seed, allCandidates: true, cancellationToken);
        return new CalibrationFit(
            sample, outer, foldMaps, outOfFold, fullSelection, Fit(sample, design, all, fullSelection),
            MeanSquaredError(outOfFold, sample.Labels, all), note);
    }

    /// <summary>The folds of the settings, checked: k-fold needs at least two.</summary>
    public static int ValidFolds(CalibrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Folds >= 2
            ? settings.Folds
            : throw new ArgumentException($"calibration needs at least 2 folds (it has {settings.Folds}); 5 is the default", nameof(settings));
    }

    /// <summary>
    /// Inner cross-validation on <paramref name="train"/>: every candidate's error (for auto, or when
    /// <paramref name="allCandidates"/> asks for the record) and the choice; a named method other than ridge needs none.
    /// </summary>
    public static CalibrationSelection Select(
        CalibrationSample sample, IReadOnlyList<double[]>? design, int[] train, string method, int folds, int seed, bool allCandidates,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(train);
        var auto = method == CalibrationSettings.Auto;
        var candidates = Candidates.Where(c => c != CalibrationSettings.Ridge || design is not null).ToList();
        if (!auto && !allCandidates)
        {
            candidates = candidates.Where(c => c == method && c == CalibrationSettings.Ridge).ToList();
        }

        if (candidates.Count == 0)
        {
            return new CalibrationSelection(method, null, []);
        }

        var k = Math.Min(folds, train.Length);
        var inner = CalibrationFolds.Assign(train.Select(i => sample.DocumentIds[i]).ToList(), k, seed, CalibrationFolds.Inner);
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        var ridgeErrors = new double[RidgePath.Penalties.Count];
        for (var f = 0; f < k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fold = f;
            var fit = train.Where((_, j) => inner[j] != fold).ToArray();
            var held = train.Where((_, j) => inner[j] == fold).ToArray();
            foreach (var candidate in candidates)
            {
                if (candidate == CalibrationSettings.Ridge)
                {
                    var path = new RidgePath(design!, fit, sample.Labels);
                    var projected = path.Project(design!, held);
                    for (var p = 0; p < ridgeErrors.Length; p++)
                    {
                        var predictions = path.Predict(projected, RidgePath.Penalties[p]);
                        for (var h = 0; h < held.Length; h++)
                        {
                            ridgeErrors[p] += Square(predictions[h] - sample.Labels[held[h]]);
                        }
                    }

                    continue;
                }

                var map = Fit(sample, design, fit, new CalibrationSelection(candidate, null, []));
                errors[candidate] = errors.GetValueOrDefault(candidate)
                    + held.Sum(i => Square(map.Predict(sample.RawScores[i], default) - sample.Labels[i]));
            }
        }

        var results = new List<CalibrationCandidate>();
        foreach (var candidate in candidates)
        {
            if (candidate == CalibrationSettings.Ridge)
            {
                // The first of equal errors is the smallest penalty; ties are rare enough not to matter.
                var best = 0;
                for (var p = 1; p < ridgeErrors.Length; p++)
                {
                    best = ridgeErrors[p] < ridgeErrors[best] ? p : best;
                }

                results.Add(new CalibrationCandidate(candidate, RidgePath.Penalties[best], ridgeErrors[best] / train.Length));
            }
            else
            {
                results.Add(new CalibrationCandidate(candidate, null, errors[candidate] / train.Length));
            }
        }

        var chosen = auto
            ? results.Aggregate((best, next) => next.CrossValidatedMse < best.CrossValidatedMse ? next : best)
            : results.FirstOrDefault(r => r.Method == method);
        return new CalibrationSelection(chosen?.Method ?? method, chosen?.Method == CalibrationSettings.Ridge ? chosen.Penalty : null, results);
    }

    /// <summary>The map of the selected method fitted on <paramref name="train"/>.</summary>
    public static ICalibrationMap Fit(CalibrationSample sample, IReadOnlyList<double[]>? design, int[] train, CalibrationSelection selection)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(selection);
        var x = train.Select(i => sample.RawScores[i]).ToArray();
        var y = train.Select(i => sample.Labels[i]).ToArray();
        return selection.Method switch
        {
            CalibrationSettings.Identity => IdentityMap.Instance,
            CalibrationSettings.Linear => LinearMap.Fit(x, y),
            CalibrationSettings.Isotonic => IsotonicMap.Fit(x, y),
            CalibrationSettings.Ridge when design is not null && selection.Penalty is { } penalty => new RidgePath(design, train, sample.Labels).Map(penalty),
            _ => throw new InvalidOperationException($"no map can be fitted for method '{selection.Method}' (ridge needs features and a penalty)"),
        };
    }

    private static double MeanSquaredError(double[] predictions, IReadOnlyList<double> labels, int[] rows) =>
        rows.Length == 0 ? 0 : rows.Sum(i => Square(predictions[i] - labels[i])) / rows.Length;

    private static double Square(double value) => value * value;
}
