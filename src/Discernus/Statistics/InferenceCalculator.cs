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
        string groupingSource,
        IReadOnlyList<Discernus.Experiments.Hypothesis>? hypotheses = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        hypotheses ??= [];
        if (documents.Count < MinimumDocuments)
        {
            return new InferenceSummary(true,
                $"{documents.Count} document(s) were analysed; below {MinimumDocuments} the results are descriptive only (no significance tests).",
                documents.Count, groupingFields, groupingSource, 0, [], []);
        }

        var variables = dimensionNames.Select((name, i) => (Name: name, Kind: "dimension", Value: (Func<DocumentObservation, double?>)(d => d.Scores[i])))
            .Concat(derivedMetricNames.Select((name, i) => (Name: name, Kind: "derived_metric", Value: (Func<DocumentObservation, double?>)(d => d.DerivedMetrics[i]))))
            .ToList();

        var correlations = new List<PendingCorrelation>();
        for (var i = 0; i < dimensionNames.Count; i++)
        {
            for (var j = i + 1; j < dimensionNames.Count; j++)
            {
                correlations.Add(Correlate(documents, variables[i].Name, variables[i].Value, variables[j].Name, variables[j].Value, null));
            }
        }

        var groupTests = new List<PendingGroupTest>();
        foreach (var field in groupingFields)
        {
            foreach (var variable in variables)
            {
                groupTests.AddRange(CompareGroups(documents, field, variable.Name, variable.Kind, variable.Value, [], null));
            }
        }

        // A hypothesis about a pair or a subset of groups the tests above do not cover gets its own tests, in the same family.
        foreach (var hypothesis in hypotheses.Where(h => h.Test is not null))
        {
            var test = hypothesis.Test!;
            var variable = variables.FirstOrDefault(v => v.Name == test.Variable);
            if (variable.Name is null)
            {
                continue;
            }

            if (test.CorrelatesWith is { } other)
            {
                var second = variables.FirstOrDefault(v => v.Name == other);
                if (second.Name is not null && !correlations.Any(c => SamePair(c.First, c.Second, test.Variable, other)))
                {
                    correlations.Add(Correlate(documents, variable.Name, variable.Value, second.Name, second.Value, hypothesis.Id));
                }
            }
            else if (test.By is { } by)
            {
                var candidate = CompareGroups(documents, by, variable.Name, variable.Kind, variable.Value, test.Groups, hypothesis.Id);
                if (candidate.Count > 0 && !groupTests.Any(g => g.Field == by && g.Variable == variable.Name && g.Groups.SequenceEqual(candidate[0].Groups)))
                {
                    groupTests.AddRange(candidate);
                }
            }
        }

        // One family: every p-value this run reports.
        var family = correlations.SelectMany(c => new[] { c.Pearson.P, c.Spearman.P }).Concat(groupTests.Select(g => g.Test.P)).ToList();
        var adjusted = Holm.Adjust(family);
        var k = 0;
        var correlationResults = correlations
            .Select(c => new CorrelationTestResult(c.First, c.Second, c.N, c.Pearson, c.Spearman, adjusted[k++], adjusted[k++]) { Hypothesis = c.Hypothesis })
            .ToList();
        var groupResults = groupTests
            .Select(g => new GroupTestResult(g.Field, g.Variable, g.Kind, g.Groups, g.Sizes, g.Means, g.Test, adjusted[k++]) { Hypothesis = g.Hypothesis })
            .ToList();
        string? note = groupingFields.Count == 0 ? "no grouping field was named and no manifest field has 2–10 groups of at least 2 documents, so there are no group comparisons." : null;
        return new InferenceSummary(false, note, documents.Count, groupingFields, groupingSource, family.Count(p => p is not null), correlationResults, groupResults);
    }

    /// <summary>The parametric test (Welch's t or ANOVA) that decides a group hypothesis, from the tests of the run.</summary>
    public static GroupTestResult? FindGroupTest(InferenceSummary inference, Discernus.Experiments.HypothesisTest test, string hypothesisId)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(test);
        var candidates = inference.GroupTests
            .Where(g => g.Field == test.By && g.Variable == test.Variable && g.Test.Test is "welch_t" or "one_way_anova")
            .ToList();
        return test.Groups.Count == 0
            ? candidates.FirstOrDefault(g => g.Hypothesis is null) ?? candidates.FirstOrDefault(g => g.Hypothesis == hypothesisId)
            : candidates.FirstOrDefault(g => g.Groups.Order(StringComparer.Ordinal).SequenceEqual(test.Groups.Order(StringComparer.Ordinal)));
    }

    public static CorrelationTestResult? FindCorrelation(InferenceSummary inference, string first, string second)
    {
        ArgumentNullException.ThrowIfNull(inference);
        return inference.Correlations.FirstOrDefault(c => SamePair(c.First, c.Second, first, second));
    }

    private static bool SamePair(string a, string b, string x, string y) => (a == x && b == y) || (a == y && b == x);

    private static PendingCorrelation Correlate(
        IReadOnlyList<DocumentObservation> documents, string first, Func<DocumentObservation, double?> x, string second, Func<DocumentObservation, double?> y, string? hypothesis)
    {
        var pairs = documents.Where(d => x(d) is { } a && double.IsFinite(a) && y(d) is { } b && double.IsFinite(b)).Select(d => (X: x(d)!.Value, Y: y(d)!.Value)).ToList();
        var xs = pairs.Select(p => p.X).ToList();
        var ys = pairs.Select(p => p.Y).ToList();
        return new PendingCorrelation(first, second, pairs.Count, HypothesisTests.Pearson(xs, ys), HypothesisTests.Spearman(xs, ys), hypothesis);
    }

    /// <summary>Welch and Mann–Whitney for two groups, ANOVA and Kruskal–Wallis for more; only groups with at least two values.</summary>
    private static List<PendingGroupTest> CompareGroups(
        IReadOnlyList<DocumentObservation> documents, string field, string name, string kind, Func<DocumentObservation, double?> value,
        IReadOnlyList<string> only, string? hypothesis)
    {
        var groups = documents
            .Where(d => value(d) is { } v && double.IsFinite(v) && !string.IsNullOrWhiteSpace(d.Metadata.GetValueOrDefault(field)))
            .GroupBy(d => d.Metadata[field].Trim(), StringComparer.Ordinal)
            .Where(g => only.Count == 0 || only.Contains(g.Key, StringComparer.Ordinal))
            .Where(g => g.Count() >= MinimumGroupSize)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Values: (IReadOnlyList<double>)g.Select(d => value(d)!.Value).ToList()))
            .ToList();
        if (groups.Count < MinimumGroups || (only.Count > 0 && groups.Count != only.Count))
        {
            return [];
        }

        var labels = groups.Select(g => g.Value).ToList();
        var sizes = groups.Select(g => g.Values.Count).ToList();
        var means = groups.Select(g => Finite.OrNull(g.Values.Mean())).ToList();
        if (groups.Count == 2)
        {
            return
            [
                new(field, name, kind, labels, sizes, means, HypothesisTests.WelchT(groups[0].Values, groups[1].Values), hypothesis),
                new(field, name, kind, labels, sizes, means, HypothesisTests.MannWhitneyU(groups[0].Values, groups[1].Values), hypothesis),
            ];
        }

        var values = groups.Select(g => g.Values).ToList();
        return
        [
            new(field, name, kind, labels, sizes, means, HypothesisTests.OneWayAnova(values), hypothesis),
            new(field, name, kind, labels, sizes, means, HypothesisTests.KruskalWallis(values), hypothesis),
        ];
    }

    private sealed record PendingCorrelation(string First, string Second, int N, TestResult Pearson, TestResult Spearman, string? Hypothesis);

    private sealed record PendingGroupTest(string Field, string Variable, string Kind, List<string> Groups, List<int> Sizes, List<double?> Means, TestResult Test, string? Hypothesis);
}
