using MathNet.Numerics.Statistics;

namespace Discernus.Statistics;

/// <summary>Computes <see cref="CorpusStatistics"/> from per-document analyses; deterministic for any input order.</summary>
internal static class StatisticsCalculator
{
    /// <summary>The model name used for analyses that do not name one.</summary>
    public const string UnspecifiedModel = "(unspecified)";

    // Below three pairs a correlation is either undefined or trivially ±1.
    private const int MinimumCorrelationPairs = 3;

    /// <param name="records">Successful analyses, one per document × model × run, in any order.</param>
    /// <param name="dimensionNames">The framework's dimensions, in the order the statistics should list them.</param>
    /// <param name="derivedMetricNames">The framework's derived metrics, in order.</param>
    /// <param name="groupingFields">Metadata fields to compare groups of documents by.</param>
    /// <param name="documentsFailed">Documents whose analysis failed; they contribute no values.</param>
    public static CorpusStatistics Compute(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<string>? derivedMetricNames = null,
        IReadOnlyList<string>? groupingFields = null,
        int documentsFailed = 0,
        IReadOnlyList<Discernus.Experiments.Hypothesis>? hypotheses = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        ArgumentOutOfRangeException.ThrowIfNegative(documentsFailed);
        derivedMetricNames ??= [];
        groupingFields ??= [];
        foreach (var record in records)
        {
            if (record.VerifiedEvidence < 0 || record.UnverifiedEvidence < 0)
            {
                throw new ArgumentException(
                    $"The analysis of '{record.DocumentName}' has a negative evidence count.", nameof(records));
            }
        }

        var documents = Aggregate(records, dimensionNames, derivedMetricNames);
        var models = records.Select(ModelOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var verified = records.Sum(r => r.VerifiedEvidence);
        var unverified = records.Sum(r => r.UnverifiedEvidence);
        var (fields, source) = groupingFields.Count > 0
            ? (groupingFields, "experiment")
            : InferenceCalculator.AutomaticGroupingFields(documents) is { Count: > 0 } automatic ? (automatic, "automatic") : (groupingFields, "none");

        var inference = InferenceCalculator.Compute(documents, dimensionNames, derivedMetricNames, fields, source, hypotheses);
        return new CorpusStatistics(
            new StatisticsCounts(documents.Count, documentsFailed, records.Count),
            models,
            DescribeDimensions(documents, dimensionNames),
            Describe(documents, derivedMetricNames, (d, i) => d.DerivedMetric(i)),
            Correlate(documents, dimensionNames),
            fields.Select(field => CompareGroups(documents, field, dimensionNames, derivedMetricNames)).ToList(),
            models.Count > 1 ? BreakDownByModel(records, models, dimensionNames, derivedMetricNames) : [],
            new EvidenceCounts(verified + unverified, verified, unverified))
        {
            Inference = inference,
            Reliability = ReliabilityCalculator.Compute(records, dimensionNames),
            Hypotheses = HypothesisJudge.Decide(hypotheses ?? [], inference),
        };
    }

    private static string ModelOf(AnalysisRecord record) =>
        string.IsNullOrWhiteSpace(record.Model) ? UnspecifiedModel : record.Model;

    /// <summary>
    /// One observation per document, sorted by document key: batch analyses finish in any order, and the
    /// statistics JSON is stored by hash, so the summation order must not depend on completion order. A document's
    /// analyses are averaged in model, then run order. Plain loops over one sorted index: at 100,000 documents the
    /// grouping and the per-value sequences were most of what a synthesis allocated.
    /// </summary>
    private static List<DocumentObservation> Aggregate(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<string> derivedMetricNames)
    {
        var order = new int[records.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // The index breaks ties, so the sort is as stable as the grouping it replaces.
        Array.Sort(order, (a, b) =>
        {
            var byKey = AnalysisRecord.CompareDocumentKeys(records[a], records[b]);
            if (byKey != 0)
            {
                return byKey;
            }

            var byModel = string.CompareOrdinal(ModelOf(records[a]), ModelOf(records[b]));
            return byModel != 0 ? byModel : records[a].Run != records[b].Run ? records[a].Run.CompareTo(records[b].Run) : a.CompareTo(b);
        });

        var names = new DocumentObservation.Names(dimensionNames, derivedMetricNames);
        var documents = new List<DocumentObservation>(records.Count);
        for (var start = 0; start < order.Length;)
        {
            var first = records[order[start]];
            var end = start + 1;
            while (end < order.Length && AnalysisRecord.CompareDocumentKeys(records[order[end]], first) == 0)
            {
                end++;
            }

            if (end - start == 1)
            {
                documents.Add(DocumentObservation.Of(first, names));
                start = end;
                continue;
            }

            var analyses = new ArraySegment<int>(order, start, end - start);
            double? MeanOver(Func<AnalysisRecord, double?> select) => MeanOrNull(analyses.Select(i => select(records[i])));
            var observation = DocumentObservation.Create(first.Metadata, names, values =>
            {
                for (var d = 0; d < dimensionNames.Count; d++)
                {
                    var dimension = dimensionNames[d];
                    values.Score(d, MeanOver(r => r.Dimensions.TryGetValue(dimension, out var v) ? v.Score : null));
                    values.Salience(d, MeanOver(r => r.Dimensions.TryGetValue(dimension, out var v) ? v.Salience : null));
                    values.Confidence(d, MeanOver(r => r.Dimensions.TryGetValue(dimension, out var v) ? v.Confidence : null));
                }

                for (var m = 0; m < derivedMetricNames.Count; m++)
                {
                    var metric = derivedMetricNames[m];
                    values.DerivedMetric(m, MeanOver(r => r.DerivedMetrics.GetValueOrDefault(metric)));
                }
            });
            documents.Add(observation);
            start = end;
        }

        return documents;
    }

    /// <summary>
    /// The mean of the finite values, null without any; one value is its own mean (a -0 stays -0). Otherwise the running
    /// mean MathNet computes over an array, taken over the values as they come: the same sums in the same order, so the
    /// same bits, without the array (RunningMeanTests compares the two). A synthesis takes this mean of every salience
    /// and confidence, and at a million documents each array (and the copies of its growth) was a large-object
    /// allocation left for the next full collection.
    /// </summary>
    internal static double? MeanOrNull(IEnumerable<double?> values)
    {
        var (mean, count, only) = (0.0, 0UL, 0.0);
        foreach (var value in values)
        {
            if (value is { } x && double.IsFinite(x))
            {
                only = x;
                mean += (x - mean) / ++count;
            }
        }

        return count switch
        {
            0 => null,
            1 => only,
            _ => Finite.OrNull(mean),
        };
    }

    private static List<DimensionStatistics> DescribeDimensions(
        List<DocumentObservation> documents,
        IReadOnlyList<string> dimensionNames)
    {
        return dimensionNames
            .Select((name, i) => new DimensionStatistics(
                name,
                SummaryStatistics.From(documents.Select(d => d.Score(i)), SummaryStatistics.ScoreScale),
                MeanOrNull(documents.Select(d => d.Salience(i))),
                MeanOrNull(documents.Select(d => d.Confidence(i)))))
            .ToList();
    }

    /// <param name="bounds">The scale of the values (dimension scores: 0–1); null for derived metrics.</param>
    private static List<MetricStatistics> Describe(
        IReadOnlyList<DocumentObservation> documents,
        IReadOnlyList<string> names,
        Func<DocumentObservation, int, double?> values,
        (double Lower, double Upper)? bounds = null)
    {
        return names
            .Select((name, i) => new MetricStatistics(name, SummaryStatistics.From(documents.Select(d => values(d, i)), bounds)))
            .ToList();
    }

    private static CorrelationMatrix Correlate(List<DocumentObservation> documents, IReadOnlyList<string> dimensionNames)
    {
        var size = dimensionNames.Count;
        var coefficients = new double?[size][];
        var counts = new int[size][];
        for (var i = 0; i < size; i++)
        {
            coefficients[i] = new double?[size];
            counts[i] = new int[size];
        }

        for (var i = 0; i < size; i++)
        {
            for (var j = i; j < size; j++)
            {
                // Pairwise complete observations: a document missing either score is left out of this pair only.
                using var pairs = PairedValues.Of(documents, d => d.Score(i), d => d.Score(j));
                var r = Pearson(pairs.X, pairs.Y);
                (coefficients[i][j], coefficients[j][i]) = (r, r);
                (counts[i][j], counts[j][i]) = (pairs.Count, pairs.Count);
            }
        }

        return new CorrelationMatrix(
            dimensionNames.ToList(),
            coefficients.Select(row => (IReadOnlyList<double?>)row).ToList(),
            counts.Select(row => (IReadOnlyList<int>)row).ToList());
    }

    private static double? Pearson(ArraySegment<double> xs, ArraySegment<double> ys)
    {
        // A constant series has no variance: r is undefined, not 0.
        if (xs.Count < MinimumCorrelationPairs || IsConstant(xs) || IsConstant(ys))
        {
            return null;
        }

        // Rounding can push a perfect correlation a hair past ±1.
        return Finite.OrNull(Correlation.Pearson(xs, ys)) is { } r ? Math.Clamp(r, -1.0, 1.0) : null;
    }

    private static bool IsConstant(ArraySegment<double> values) => values.All(v => v == values[0]);

    private static GroupComparison CompareGroups(
        List<DocumentObservation> documents,
        string field,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<string> derivedMetricNames)
    {
        var missing = 0;
        var groups = new SortedDictionary<string, List<DocumentObservation>>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (!document.Metadata.TryGetValue(field, out var value) || string.IsNullOrWhiteSpace(value))
            {
                missing++;
                continue;
            }

            var key = value.Trim();
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(document);
        }

        return new GroupComparison(
            field,
            missing,
            groups
                .Select(g => new GroupStatistics(
                    g.Key,
                    g.Value.Count,
                    Describe(g.Value, dimensionNames, (d, i) => d.Score(i), SummaryStatistics.ScoreScale),
                    Describe(g.Value, derivedMetricNames, (d, i) => d.DerivedMetric(i))))
                .ToList());
    }

    private static List<ModelStatistics> BreakDownByModel(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> models,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<string> derivedMetricNames)
    {
        return models
            .Select(model =>
            {
                var documents = Aggregate(
                    records.Where(r => string.Equals(ModelOf(r), model, StringComparison.Ordinal)).ToList(),
                    dimensionNames,
                    derivedMetricNames);
                return new ModelStatistics(
                    model,
                    documents.Count,
                    Describe(documents, dimensionNames, (d, i) => d.Score(i), SummaryStatistics.ScoreScale),
                    Describe(documents, derivedMetricNames, (d, i) => d.DerivedMetric(i)));
            })
            .ToList();
    }
}
