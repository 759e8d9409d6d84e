using System.Collections.Frozen;
using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>
/// Agreement between runs of each model and between models, per dimension, from the analyses of a run; and, given
/// Documents are the units, readings the coders. Agreement with human coders is the validity of the measurement:
/// <see cref="ValidityCalculator"/>.
/// </summary>
internal static class ReliabilityCalculator
{
    /// <summary>The threshold, Krippendorff's (2004) .667 for tentative conclusions rounded up.</summary>
    public const double UnreliableBelow = 0.67;

    /// <summary>
    /// The models whose answers are a function of the text alone (the offline baselines <c>lexicon</c> and <c>minilm</c>,
    /// Models/ModelName.cs): their runs agree by construction, so agreement between them is no evidence of anything.
    /// </summary>
    public static readonly IReadOnlySet<string> DeterministicModels = FrozenSet.ToFrozenSet(["lexicon", "minilm"], StringComparer.OrdinalIgnoreCase);

    /// <param name="deterministicModels">Models whose runs are identical by construction; <see cref="DeterministicModels"/> by default.</param>
    /// <returns>Null when every model ran once and there is only one model: nothing to compare.</returns>
    public static ReliabilitySummary? Compute(IReadOnlyList<AnalysisRecord> records, IReadOnlyList<string> dimensionNames, IReadOnlySet<string>? deterministicModels = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        deterministicModels ??= DeterministicModels;
        var comparisons = new List<AgreementComparison>();
        var byModel = records.GroupBy(ModelOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        foreach (var model in byModel)
        {
            var runs = model.Select(r => r.Run).Distinct().Order().ToList();
            if (runs.Count < 2)
            {
                continue;
            }

            var table = Table(model, r => r.Run.ToString(System.Globalization.CultureInfo.InvariantCulture), dimensionNames);
            var comparison = Compare("runs", $"runs of {model.Key}", runs.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), table, dimensionNames);
            if (deterministicModels.Contains(model.Key))
            {
                // Alpha of identical copies is 1 (or undefined), whatever the model measures: not reported as if it meant reliability.
                comparison = comparison with
                {
                    Identical = AgreementComparison.IdenticalByConstruction,
                    Dimensions = comparison.Dimensions.Select(d => d with { Alpha = null, Icc = null, Ccc = null, Pearson = null, Unreliable = false }).ToList(),
                };
            }
            else if (IdenticalInEveryRun(table))
            {
                // Plausibly answers replayed from a cache, or temperature 0 on a stable deployment: the runs are not independent readings.
                comparison = comparison with { Identical = AgreementComparison.IdenticalInEveryRun };
            }

            comparisons.Add(comparison);
        }

        if (byModel.Count >= 2)
        {
            // Each model's reading of a document is the mean of its runs.
            var table = Table(records, ModelOf, dimensionNames);
            comparisons.Add(Compare("models", "models", byModel.Select(g => g.Key).ToList(), table, dimensionNames));
        }

        return comparisons.Count == 0 ? null : new ReliabilitySummary(UnreliableBelow, comparisons);
    }

    /// <summary>True when every document got the same reading (or none) on every dimension in every run.</summary>
    private static bool IdenticalInEveryRun(Dictionary<string, Dictionary<string, Dictionary<string, double?>>> table) =>
        table.Values.SelectMany(dimensions => dimensions.Values).All(cell => cell.Values.Distinct().Count() <= 1);

    private static string ModelOf(AnalysisRecord record) =>
        string.IsNullOrWhiteSpace(record.Model) ? StatisticsCalculator.UnspecifiedModel : record.Model;

    /// <summary>document → dimension → coder → score, averaging a coder's repeated readings of a document.</summary>
    private static Dictionary<string, Dictionary<string, Dictionary<string, double?>>> Table(
        IEnumerable<AnalysisRecord> records,
        Func<AnalysisRecord, string> coder,
        IReadOnlyList<string> dimensionNames,
        Func<AnalysisRecord, string>? unit = null)
    {
        unit ??= r => r.DocumentKey;
        var table = new Dictionary<string, Dictionary<string, Dictionary<string, double?>>>(StringComparer.Ordinal);
        foreach (var group in records.GroupBy(r => (Unit: unit(r), Coder: coder(r))).OrderBy(g => g.Key.Unit, StringComparer.Ordinal))
        {
            foreach (var dimension in dimensionNames)
            {
                var values = group.Select(r => r.Dimensions.GetValueOrDefault(dimension)?.Score).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
                Cell(table, group.Key.Unit, dimension)[group.Key.Coder] = values.Count == 0 ? null : values.Average();
            }
        }

        return table;
    }

    private static Dictionary<string, double?> Cell(Dictionary<string, Dictionary<string, Dictionary<string, double?>>> table, string unit, string dimension)
    {
        if (!table.TryGetValue(unit, out var dimensions))
        {
            table[unit] = dimensions = new Dictionary<string, Dictionary<string, double?>>(StringComparer.Ordinal);
        }

        if (!dimensions.TryGetValue(dimension, out var cell))
        {
            dimensions[dimension] = cell = new Dictionary<string, double?>(StringComparer.Ordinal);
        }

        return cell;
    }

    private static AgreementComparison Compare(
        string kind,
        string label,
        IReadOnlyList<string> coders,
        Dictionary<string, Dictionary<string, Dictionary<string, double?>>> table,
        IReadOnlyList<string> dimensionNames)
    {
        var dimensions = dimensionNames.Select(dimension =>
        {
            var rows = table.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => kv.Value.TryGetValue(dimension, out var cell) ? coders.Select(c => cell.GetValueOrDefault(c)).ToList() : coders.Select(_ => (double?)null).ToList())
                .ToList();
            var units = rows.Select(r => (IReadOnlyList<double>)r.OfType<double>().ToList()).Where(u => u.Count >= 2).ToList();
            var differences = units.Select(u => PairwiseMeanAbsoluteDifference(u)).ToList();
            double? pearson = null, ccc = null;
            if (coders.Count == 2)
            {
                var complete = rows.Where(r => r[0] is not null && r[1] is not null).ToList();
                var xs = complete.Select(r => r[0]!.Value).ToList();
                var ys = complete.Select(r => r[1]!.Value).ToList();
                pearson = HypothesisTests.Pearson(xs, ys).Statistic;
                ccc = AgreementStatistics.LinCcc(xs, ys);
            }

            var alpha = AgreementStatistics.KrippendorffAlphaInterval(units);
            return new DimensionAgreement(
                dimension,
                units.Count,
                alpha,
                AgreementStatistics.Icc21(rows.Select(r => (IReadOnlyList<double?>)r).ToList()),
                differences.Count == 0 ? null : Finite.OrNull(differences.Mean()),
                pearson,
                ccc,
                Unreliable(alpha));
        }).ToList();
        return new AgreementComparison(kind, label, coders, dimensions);
    }

    private static double PairwiseMeanAbsoluteDifference(IReadOnlyList<double> values)
    {
        double sum = 0;
        var pairs = 0;
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                sum += Math.Abs(values[i] - values[j]);
                pairs++;
            }
        }

        return sum / pairs;
    }

    /// <summary>Below the threshold is unreliable; an undefined alpha (no variation at all) is reported as undefined, not flagged.</summary>
    private static bool Unreliable(double? alpha) => alpha is { } a && a < UnreliableBelow;
}
