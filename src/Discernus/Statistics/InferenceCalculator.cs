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

    /// <summary>
    /// Two Holm families. Exploratory: every correlation of two dimensions and every test of every grouping field, all
    /// two-sided. Confirmatory: one test per hypothesis with a <c>test:</c>, on exactly the groups or pair it names,
    /// one-sided when it states a direction; Holm runs over these alone, so a stated hypothesis is never diluted by the
    /// exploration around it (and an exploratory result never borrows the hypotheses' smaller family).
    /// </summary>
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
                // A clause without a closing period: every place that prints it ends the sentence itself (a reason printed
                // as "...: {reason}." gave "tests).." before).
                $"{documents.Count} document(s) were analysed; below {MinimumDocuments} the results are descriptive only, with no significance tests",
                documents.Count, groupingFields, groupingSource, 0, [], []);
        }

        var variables = dimensionNames.Select((name, i) => new Variable(name, "dimension", d => d.Score(i)))
            .Concat(derivedMetricNames.Select((name, i) => new Variable(name, "derived_metric", d => d.DerivedMetric(i))))
            .ToList();

        var correlations = new List<PendingCorrelation>();
        for (var i = 0; i < dimensionNames.Count; i++)
        {
            for (var j = i + 1; j < dimensionNames.Count; j++)
            {
                correlations.Add(Correlate(documents, variables[i], variables[j]));
            }
        }

        var groupTests = new List<PendingGroupTest>();
        foreach (var field in groupingFields)
        {
            foreach (var variable in variables)
            {
                groupTests.AddRange(CompareGroups(documents, field, variable));
            }
        }

        var family = correlations.SelectMany(c => new[] { c.Pearson.P, c.Spearman.P }).Concat(groupTests.Select(g => g.Test.P)).ToList();
        var adjusted = Holm.Adjust(family);
        var k = 0;
        var correlationResults = correlations
            .Select(c => new CorrelationTestResult(c.First, c.Second, c.N, c.Pearson, c.Spearman, adjusted[k++], adjusted[k++]))
            .ToList();
        var groupResults = groupTests
            .Select(g => new GroupTestResult(g.Field, g.Variable, g.Kind, g.Groups, g.Sizes, g.Means, g.Test, adjusted[k++]))
            .ToList();

        var confirmatory = hypotheses.Where(h => h.Test is not null).Select(h => Confirm(documents, variables, h)).OfType<ConfirmatoryTestResult>().ToList();
        var confirmatoryHolm = Holm.Adjust(confirmatory.Select(c => c.Test.P).ToList());
        string? note = groupingFields.Count == 0 ? "no grouping field was named and no manifest field has 2–10 groups of at least 2 documents, so there are no group comparisons." : null;
        return new InferenceSummary(false, note, documents.Count, groupingFields, groupingSource, family.Count(p => p is not null), correlationResults, groupResults)
        {
            Confirmatory = confirmatory.Select((c, i) => c with { PHolm = confirmatoryHolm[i] }).ToList(),
            ConfirmatoryFamilySize = confirmatoryHolm.Count(p => p is not null),
        };
    }

    /// <summary>
    /// The one test that decides a hypothesis, computed on the groups (in the order it names them) or the pair it states:
    /// higher/lower → one-sided Welch t of the first group against the second; difference/no_difference → two-sided Welch
    /// t for two groups, one-way ANOVA for more; positive/negative → one-sided Pearson; none → two-sided Pearson.
    /// Null when the variable is unknown or the named groups are not all present with at least two values.
    /// </summary>
    private static ConfirmatoryTestResult? Confirm(IReadOnlyList<DocumentObservation> documents, List<Variable> variables, Discernus.Experiments.Hypothesis hypothesis)
    {
        var test = hypothesis.Test!;
        if (variables.FirstOrDefault(v => v.Name == test.Variable) is not { } variable)
        {
            return null;
        }

        if (test.CorrelatesWith is { } other)
        {
            if (variables.FirstOrDefault(v => v.Name == other) is not { } second)
            {
                return null;
            }

            var alternative = test.Expect switch { "positive" => TestResult.Greater, "negative" => TestResult.Less, _ => TestResult.TwoSided };
            using var pairs = PairedValues.Of(documents, variable.Value, second.Value);
            var pearson = HypothesisTests.Pearson(pairs.X, pairs.Y, alternative);
            pearson = pearson with { EffectSizeName = "r", EffectSize = pearson.Statistic, EffectSizeCi = EffectSizes.FisherZInterval(pearson.Statistic, pairs.Count) };
            return new ConfirmatoryTestResult(hypothesis.Id, test.Variable, null, other, [], [], [], pairs.Count, pearson, null);
        }

        if (test.By is not { } by)
        {
            return null;
        }

        var groups = Groups(documents, by, variable, test.Groups);
        if (groups.Count < MinimumGroups || (test.Groups.Count > 0 && groups.Count != test.Groups.Count))
        {
            return null;
        }

        // The groups a hypothesis names keep its order: "higher" is about the first of them.
        if (test.Groups.Count > 0)
        {
            groups = test.Groups.Select(name => groups.First(g => g.Value == name)).ToList();
        }

        var values = groups.Select(g => g.Values).ToList();
        var result = groups.Count == 2
            ? HypothesisTests.WelchT(values[0], values[1], test.Expect switch { "higher" => TestResult.Greater, "lower" => TestResult.Less, _ => TestResult.TwoSided })
            : HypothesisTests.OneWayAnova(values);
        return new ConfirmatoryTestResult(
            hypothesis.Id, test.Variable, by, null,
            groups.Select(g => g.Value).ToList(), groups.Select(g => g.Values.Count).ToList(), groups.Select(g => Finite.OrNull(g.Values.Mean())).ToList(),
            groups.Sum(g => g.Values.Count), result, null);
    }

    private static PendingCorrelation Correlate(IReadOnlyList<DocumentObservation> documents, Variable first, Variable second)
    {
        using var pairs = PairedValues.Of(documents, first.Value, second.Value);
        return new PendingCorrelation(first.Name, second.Name, pairs.Count, HypothesisTests.Pearson(pairs.X, pairs.Y), HypothesisTests.Spearman(pairs.X, pairs.Y));
    }

    /// <summary>The groups of <paramref name="field"/> with at least two values of the variable, sorted; only those named when <paramref name="only"/> is not empty.</summary>
    private static List<(string Value, IReadOnlyList<double> Values)> Groups(IReadOnlyList<DocumentObservation> documents, string field, Variable variable, IReadOnlyList<string> only)
    {
        // One pass straight into each group's values, in document order: a synthesis groups every variable by every
        // field, and at 100,000 documents grouping the observations themselves allocated tens of MB each time.
        var byValue = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (variable.Value(document) is not { } value || !double.IsFinite(value)
                || document.Metadata.GetValueOrDefault(field) is not { } label || string.IsNullOrWhiteSpace(label))
            {
                continue;
            }

            label = label.Trim();
            if (only.Count > 0 && !only.Contains(label, StringComparer.Ordinal))
            {
                continue;
            }

            if (!byValue.TryGetValue(label, out var values))
            {
                byValue.Add(label, values = []);
            }

            values.Add(value);
        }

        return byValue
            .Where(g => g.Value.Count >= MinimumGroupSize)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Values: (IReadOnlyList<double>)g.Value))
            .ToList();
    }

    /// <summary>Welch and Mann–Whitney for two groups, ANOVA and Kruskal–Wallis for more; only groups with at least two values.</summary>
    private static List<PendingGroupTest> CompareGroups(IReadOnlyList<DocumentObservation> documents, string field, Variable variable)
    {
        var groups = Groups(documents, field, variable, []);
        if (groups.Count < MinimumGroups)
        {
            return [];
        }

        var labels = groups.Select(g => g.Value).ToList();
        var sizes = groups.Select(g => g.Values.Count).ToList();
        var means = groups.Select(g => Finite.OrNull(g.Values.Mean())).ToList();
        PendingGroupTest Pending(TestResult test) => new(field, variable.Name, variable.Kind, labels, sizes, means, test);
        if (groups.Count == 2)
        {
            return [Pending(HypothesisTests.WelchT(groups[0].Values, groups[1].Values)), Pending(HypothesisTests.MannWhitneyU(groups[0].Values, groups[1].Values))];
        }

        var values = groups.Select(g => g.Values).ToList();
        return [Pending(HypothesisTests.OneWayAnova(values)), Pending(HypothesisTests.KruskalWallis(values))];
    }

    /// <param name="Kind">dimension or derived_metric.</param>
    private sealed record Variable(string Name, string Kind, Func<DocumentObservation, double?> Value);

    private sealed record PendingCorrelation(string First, string Second, int N, TestResult Pearson, TestResult Spearman);

    private sealed record PendingGroupTest(string Field, string Variable, string Kind, List<string> Groups, List<int> Sizes, List<double?> Means, TestResult Test);
}
