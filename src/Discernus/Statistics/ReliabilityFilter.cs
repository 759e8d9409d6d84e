using Discernus.Experiments;

namespace Discernus.Statistics;

/// <summary>
/// Applies an experiment's <c>reliability_filtering</c> and <c>advanced_filtering</c> to analyses before the
/// statistics, as the original project does: an observation is kept when its salience, confidence and reliability
/// reach their thresholds (and its dimension's own salience threshold); excluded dimensions are always dropped and
/// included ones always kept. Filtering is a statistics step only, so changing a threshold never re-runs an analysis.
/// </summary>
internal static class ReliabilityFilter
{
    public const string DefaultCalculation = "confidence_x_salience";

    /// <summary>Whether the settings can exclude anything at all (the original project's opt-in rule).</summary>
    public static bool IsActive(ReliabilityFiltering? reliability, AdvancedFiltering? advanced) =>
        reliability is { } r && (r.SalienceThreshold > 0 || r.ConfidenceThreshold > 0 || r.ReliabilityThreshold > 0)
        || advanced is { } a && (a.DimensionSpecificThresholds.Values.Any(t => t > 0) || a.ExcludeDimensions.Count > 0);

    /// <summary>The reliability of one observation under <paramref name="calculation"/>; null when a needed value is missing.</summary>
    public static double? Reliability(DimensionValues values, string? calculation) => (calculation ?? DefaultCalculation) switch
    {
        "confidence" => values.Confidence,
        "salience" => values.Salience,
        _ => values.Confidence * values.Salience,
    };

    /// <returns>The analyses with excluded observations blanked (and their derived metrics re-evaluated), and a
    /// summary; null summary when the settings are not active, in which case the records are returned unchanged.</returns>
    public static (IReadOnlyList<AnalysisRecord> Records, FilteringSummary? Summary) Apply(
        IReadOnlyList<AnalysisRecord> records,
        IReadOnlyList<string> dimensionNames,
        IReadOnlyList<(string Name, string Formula)> derivedMetrics,
        ReliabilityFiltering? reliability,
        AdvancedFiltering? advanced)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(dimensionNames);
        ArgumentNullException.ThrowIfNull(derivedMetrics);
        if (!IsActive(reliability, advanced))
        {
            return (records, null);
        }

        var calculation = reliability?.ReliabilityCalculation ?? DefaultCalculation;
        var counters = dimensionNames.ToDictionary(d => d, _ => new Counter(), StringComparer.Ordinal);
        var metrics = DerivedMetricEvaluator.Prepare(derivedMetrics, FormulaNames.Of(dimensionNames, derivedMetrics.Select(m => m.Name)));
        var filtered = new List<AnalysisRecord>(records.Count);
        var fullyExcluded = 0;
        foreach (var record in records)
        {
            var dimensions = new Dictionary<string, DimensionValues>(record.Dimensions, StringComparer.Ordinal);
            var excludedHere = 0;
            var scoredHere = 0;
            foreach (var name in dimensionNames)
            {
                if (!record.Dimensions.TryGetValue(name, out var values) || values.Score is null)
                {
                    continue;
                }

                scoredHere++;
                var counter = counters[name];
                counter.Observations++;
                if (!Keep(name, values, counter))
                {
                    counter.Excluded++;
                    excludedHere++;
                    dimensions[name] = new DimensionValues(null, null, null);
                }
            }

            if (scoredHere > 0 && excludedHere == scoredHere)
            {
                fullyExcluded++;
            }

            if (excludedHere == 0)
            {
                filtered.Add(record);
                continue;
            }

            var derived = metrics.Evaluate(DimensionValues.Lookup(dimensions))
                .ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);
            filtered.Add(record with { Dimensions = dimensions, DerivedMetrics = derived });
        }

        var summary = new FilteringSummary(
            reliability?.SalienceThreshold,
            reliability?.ConfidenceThreshold,
            reliability?.ReliabilityThreshold,
            calculation,
            counters.Values.Sum(c => c.Observations),
            counters.Values.Sum(c => c.Excluded),
            fullyExcluded,
            dimensionNames.Select(name =>
            {
                var c = counters[name];
                return new DimensionFiltering(name, c.Observations, c.Excluded, c.BelowSalience, c.BelowConfidence, c.BelowReliability,
                    c.BelowDimensionThreshold, Contains(advanced?.ExcludeDimensions, name), Contains(advanced?.IncludeDimensions, name));
            }).ToList());
        return (filtered, summary);

        bool Keep(string name, DimensionValues values, Counter counter)
        {
            if (Contains(advanced?.ExcludeDimensions, name))
            {
                return false;
            }

            var keep = true;
            if (reliability?.SalienceThreshold is { } salience && !(values.Salience >= salience))
            {
                counter.BelowSalience++;
                keep = false;
            }

            if (reliability?.ConfidenceThreshold is { } confidence && !(values.Confidence >= confidence))
            {
                counter.BelowConfidence++;
                keep = false;
            }

            if (reliability?.ReliabilityThreshold is { } threshold && !(Reliability(values, calculation) >= threshold))
            {
                counter.BelowReliability++;
                keep = false;
            }

            if (advanced?.DimensionSpecificThresholds.TryGetValue(name, out var own) == true && !(values.Salience >= own))
            {
                counter.BelowDimensionThreshold++;
                keep = false;
            }

            return keep || Contains(advanced?.IncludeDimensions, name);
        }
    }

    private static bool Contains(IReadOnlyList<string>? names, string name) =>
        names is not null && names.Contains(name, StringComparer.Ordinal);

    private sealed class Counter
    {
        public int Observations;
        public int Excluded;
        public int BelowSalience;
        public int BelowConfidence;
        public int BelowReliability;
        public int BelowDimensionThreshold;
    }
}
