using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>Runs the significance tests of <see cref="InferenceSummary"/> over per-document observations.</summary>
internal static class InferenceCalculator
{
    /// <summary>Below this many documents a p-value says more about the sample than the corpus: descriptive only.</summary>
    public const int MinimumDocuments = 10;

    public const int MinimumGroups = 2;
    public const int MaximumGroups = 10;
    public const int MinimumGroupSize = 2;

    /// <summary>
    /// Manifest fields usable for group comparisons when the experiment names none: 2–10 distinct values, each held
    /// by at least two documents. Sorted by name.
    /// </summary>
    public static IReadOnlyList<string> AutomaticGroupingFields(IReadOnlyList<DocumentObservation> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return documents
            .SelectMany(d => d.Metadata.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(field =>
            {
                var groups = documents
                    .Select(d => d.Metadata.GetValueOrDefault(field)?.Trim())
                    .Where(v => !string.IsNullOrEmpty(v))
                    .GroupBy(v => v, StringComparer.Ordinal)
                    .Select(g => g.Count())
                    .ToList();
                return groups.Count is >= MinimumGroups and <= MaximumGroups && groups.All(n => n >= MinimumGroupSize);
            })
            .ToList();
    }

    public static InferenceSummary Compute(
        IReadOnlyList<DocumentObservation> documents,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<string> derivedMetricNames,
        IReadOnlyList<string> groupingFields,
        string groupingSource)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count < MinimumDocuments)
        {
            return new InferenceSummary(true,
                $"{documents.Count} document(s) were analysed; below {MinimumDocuments} the results are descriptive only (no significance tests).",
                documents.Count, groupingFields, groupingSource, 0, [], []);
        }

        var correlations = new List<(string A, string B, int N, TestResult Pearson, TestResult Spearman)>();
        for (var i = 0; i < dimensionNames.Count; i++)
        {
            for (var j = i + 1; j < dimensionNames.Count; j++)
            {
                var pairs = documents.Where(d => d.Scores[i].HasValue && d.Scores[j].HasValue)
                    .Select(d => (X: d.Scores[i]!.Value, Y: d.Scores[j]!.Value)).ToList();
                var xs = pairs.Select(p => p.X).ToList();
                var ys = pairs.Select(p => p.Y).ToList();
                correlations.Add((dimensionNames[i], dimensionNames[j], pairs.Count, HypothesisTests.Pearson(xs, ys), HypothesisTests.Spearman(xs, ys)));
            }
        }

        var groupTests = new List<(string Field, string Variable, string Kind, List<string> Groups, List<int> Sizes, List<double?> Means, TestResult Test)>();
        foreach (var field in groupingFields)
        {
            var variables = dimensionNames.Select((name, i) => (name, "dimension", (Func<DocumentObservation, double?>)(d => d.Scores[i])))
                .Concat(derivedMetricNames.Select((name, i) => (name, "derived_metric", (Func<DocumentObservation, double?>)(d => d.DerivedMetrics[i]))));
            foreach (var (name, kind, value) in variables)
            {
                var groups = documents
                    .Where(d => value(d) is { } v && double.IsFinite(v) && !string.IsNullOrWhiteSpace(d.Metadata.GetValueOrDefault(field)))
                    .GroupBy(d => d.Metadata[field].Trim(), StringComparer.Ordinal)
                    .Where(g => g.Count() >= MinimumGroupSize)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => (Value: g.Key, Values: (IReadOnlyList<double>)g.Select(d => value(d)!.Value).ToList()))
                    .ToList();
                if (groups.Count < MinimumGroups)
                {
                    continue;
                }

                var labels = groups.Select(g => g.Value).ToList();
                var sizes = groups.Select(g => g.Values.Count).ToList();
                var means = groups.Select(g => Finite.OrNull(g.Values.Mean())).ToList();
                if (groups.Count == 2)
                {
                    groupTests.Add((field, name, kind, labels, sizes, means, HypothesisTests.WelchT(groups[0].Values, groups[1].Values)));
                    groupTests.Add((field, name, kind, labels, sizes, means, HypothesisTests.MannWhitneyU(groups[0].Values, groups[1].Values)));
                }
                else
                {
                    var values = groups.Select(g => g.Values).ToList();
                    groupTests.Add((field, name, kind, labels, sizes, means, HypothesisTests.OneWayAnova(values)));
                    groupTests.Add((field, name, kind, labels, sizes, means, HypothesisTests.KruskalWallis(values)));
                }
            }
        }

        // One family: every p-value this run reports.
        var family = correlations.SelectMany(c => new[] { c.Pearson.P, c.Spearman.P }).Concat(groupTests.Select(g => g.Test.P)).ToList();
        var adjusted = Holm.Adjust(family);
        var k = 0;
        var correlationResults = correlations.Select(c => new CorrelationTestResult(c.A, c.B, c.N, c.Pearson, c.Spearman, adjusted[k++], adjusted[k++])).ToList();
        var groupResults = groupTests.Select(g => new GroupTestResult(g.Field, g.Variable, g.Kind, g.Groups, g.Sizes, g.Means, g.Test, adjusted[k++])).ToList();
        string? note = groupingFields.Count == 0 ? "no grouping field was named and no manifest field has 2–10 groups of at least 2 documents, so there are no group comparisons." : null;
        return new InferenceSummary(false, note, documents.Count, groupingFields, groupingSource, family.Count(p => p is not null), correlationResults, groupResults);
    }
}
