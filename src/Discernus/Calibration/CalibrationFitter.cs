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
/// (the coders' mean, identity, then linear, isotonic, ridge) wins.
/// <para>
/// For auto, the coders' mean itself (<see cref="ConstantMap"/>) is a candidate: when no map predicts the coders
/// better than their average on all coded documents, calibration has nothing to add and the scores stay raw. Deciding
/// that on every label is no leak — it leads to a score that depends on no label at all — and it keeps the known
/// negative artifact of cross-fitting under the null (each fold's fitted map leans away from its held-out labels) out
/// of scores that carry no information.
/// </para>
/// </summary>
internal static class CalibrationFitter
{
    /// <summary>Below this many coded documents per outer fold the maps would be fitted on next to nothing: scores stay raw.</summary>
    public const int MinimumDocumentsPerFold = 2;

    /// <summary>The candidates of auto, in order of simplicity (ridge only when the model has features).</summary>
    public static readonly IReadOnlyList<string> Candidates =
        [ConstantMap.Name, CalibrationSettings.Identity, CalibrationSettings.Linear, CalibrationSettings.Isotonic, CalibrationSettings.Ridge];

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
        var fullSelection = Select(sample, design, all, method, k, settings.Seed, allCandidates: true, cancellationToken);
        if (method == CalibrationSettings.Auto && fullSelection.Method == ConstantMap.Name)
        {
            var raw = all.Select(i => IdentityMap.Instance.Predict(sample.RawScores[i], default)).ToArray();
            var best = fullSelection.Candidates.Where(c => c.Method != ConstantMap.Name).MinBy(c => c.CrossValidatedMse);
            return new CalibrationFit(
                sample, outer, Enumerable.Repeat<ICalibrationMap>(IdentityMap.Instance, k).ToList(), raw, fullSelection, IdentityMap.Instance,
                MeanSquaredError(raw, sample.Labels, all),
                string.Create(CultureInfo.InvariantCulture, $"no map predicted the coders better than their mean in cross-validation (mean squared error {fullSelection.Candidates[0].CrossValidatedMse:F4}, best map {best?.Method} {best?.CrossValidatedMse:F4}): calibration has nothing to add, the scores stay raw"));
        }

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
        var candidates = Candidates.Where(c => (c != CalibrationSettings.Ridge || design is not null) && (auto || c != ConstantMap.Name)).ToList();
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
        // Squared error of every held-out document, per candidate (and per ridge penalty), for the errors and their spread.
        var errors = candidates.Where(c => c != CalibrationSettings.Ridge).ToDictionary(c => c, _ => new double[train.Length], StringComparer.Ordinal);
        var ridgeErrors = RidgePath.Penalties.Select(_ => new double[train.Length]).ToArray();
        for (var f = 0; f < k; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fold = f;
            var fit = train.Where((_, j) => inner[j] != fold).ToArray();
            var heldAt = Enumerable.Range(0, train.Length).Where(j => inner[j] == fold).ToArray();
            var held = heldAt.Select(j => train[j]).ToArray();
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
                            ridgeErrors[p][heldAt[h]] = Square(predictions[h] - sample.Labels[held[h]]);
                        }
                    }

                    continue;
                }

                var map = Fit(sample, design, fit, new CalibrationSelection(candidate, null, []));
                for (var h = 0; h < held.Length; h++)
                {
                    errors[candidate][heldAt[h]] = Square(map.Predict(sample.RawScores[held[h]], default) - sample.Labels[held[h]]);
                }
            }
        }

        var results = new List<CalibrationCandidate>();
        var spread = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (candidate == CalibrationSettings.Ridge)
            {
                // The strongest penalty within one standard error of the best (glmnet's lambda.1se): the least
                // flexible ridge the data cannot tell from the best one, so the minimum over 15 penalties is not
                // an optimistic pick from noise.
                var best = Enumerable.Range(0, ridgeErrors.Length).MinBy(p => ridgeErrors[p].Average());
                var limit = ridgeErrors[best].Average() + StandardError(ridgeErrors[best]);
                var chosen = Enumerable.Range(0, ridgeErrors.Length).Where(p => ridgeErrors[p].Average() <= limit).Max();
                results.Add(new CalibrationCandidate(candidate, RidgePath.Penalties[chosen], ridgeErrors[chosen].Average()));
                spread[candidate] = StandardError(ridgeErrors[chosen]);
            }
            else
            {
                results.Add(new CalibrationCandidate(candidate, null, errors[candidate].Average()));
                spread[candidate] = StandardError(errors[candidate]);
            }
        }

        CalibrationCandidate? chosenCandidate;
        if (auto)
        {
            // The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani and Friedman 2009, §7.10): the simplest
            // candidate whose error is within one standard error of the smallest, candidates being in order of simplicity.
            var lowest = results.MinBy(r => r.CrossValidatedMse)!;
            var threshold = lowest.CrossValidatedMse + spread[lowest.Method];
            chosenCandidate = results.First(r => r.CrossValidatedMse <= threshold);
        }
        else
        {
            chosenCandidate = results.FirstOrDefault(r => r.Method == method);
        }

        return new CalibrationSelection(chosenCandidate?.Method ?? method, chosenCandidate?.Method == CalibrationSettings.Ridge ? chosenCandidate.Penalty : null, results);
    }

    /// <summary>Standard error of the mean of per-document squared errors.</summary>
    private static double StandardError(double[] squaredErrors)
    {
        if (squaredErrors.Length < 2)
        {
            return 0;
        }

        var mean = squaredErrors.Average();
        var variance = squaredErrors.Sum(e => Square(e - mean)) / (squaredErrors.Length - 1);
        return Math.Sqrt(variance / squaredErrors.Length);
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
            ConstantMap.Name => new ConstantMap(y.Length == 0 ? 0.5 : y.Average()),
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
