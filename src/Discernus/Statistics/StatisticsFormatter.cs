using System.Globalization;

namespace Discernus.Statistics;

/// <summary>
/// The one way numbers are written in reports, culture-invariant. The report writes statistics with it, and
/// the check of model-written text compares the numbers a model wrote against <see cref="AllReportedValues"/>
/// formatted the same way, so both sides always agree on rounding.
/// </summary>
internal static class StatisticsFormatter
{
    public const int DefaultDecimals = 3;
    public const string NotAvailable = "n/a";

    /// <summary>E.g. 0.4567 → "0.457", null → "n/a"; never "-0.000", never NaN.</summary>
    public static string Format(double? value, int decimals = DefaultDecimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 15);
        if (value is not { } v || !double.IsFinite(v))
        {
            return NotAvailable;
        }

        return WithoutNegativeZero(v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    public static string FormatCount(int count) => count.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Every number the statistics contain: counts, summaries (n, missing, mean, sd, min, max, median) of every
    /// dimension, derived metric, group and model, mean salience and confidence, and each correlation once
    /// (with its pair count). Null values are skipped.
    /// </summary>
    public static IEnumerable<double> AllReportedValues(CorpusStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);

        var counts = statistics.Counts;
        yield return counts.DocumentsAnalysed;
        yield return counts.DocumentsFailed;
        yield return counts.Analyses;
        yield return statistics.Models.Count;

        var evidence = statistics.Evidence;
        yield return evidence.Total;
        yield return evidence.Verified;
        yield return evidence.Unverified;

        foreach (var dimension in statistics.Dimensions)
        {
            foreach (var value in Values(dimension.Score))
            {
                yield return value;
            }

            if (dimension.MeanSalience is { } salience)
            {
                yield return salience;
            }

            if (dimension.MeanConfidence is { } confidence)
            {
                yield return confidence;
            }
        }

        foreach (var value in statistics.DerivedMetrics.SelectMany(m => Values(m.Summary)))
        {
            yield return value;
        }

        var correlations = statistics.Correlations;
        for (var i = 0; i < correlations.Dimensions.Count; i++)
        {
            // Off the diagonal only: r = 1 of a dimension with itself is not a finding.
            for (var j = i + 1; j < correlations.Dimensions.Count; j++)
            {
                yield return correlations.Counts[i][j];
                if (correlations.Coefficients[i][j] is { } r)
                {
                    yield return r;
                }
            }
        }

        foreach (var comparison in statistics.Groups)
        {
            yield return comparison.MissingField;
            yield return comparison.Groups.Count;
            foreach (var group in comparison.Groups)
            {
                yield return group.N;
                foreach (var value in group.Dimensions.Concat(group.DerivedMetrics).SelectMany(m => Values(m.Summary)))
                {
                    yield return value;
                }
            }
        }

        foreach (var value in InferenceValues(statistics.Inference))
        {
            yield return value;
        }

        if (statistics.Filtering is { } filtering)
        {
            yield return filtering.Observations;
            yield return filtering.Excluded;
        }

        foreach (var value in ValidityValues(statistics.Validity))
        {
            yield return value;
        }

        foreach (var model in statistics.ModelBreakdown)
        {
            yield return model.Documents;
            foreach (var value in model.Dimensions.Concat(model.DerivedMetrics).SelectMany(m => Values(m.Summary)))
            {
                yield return value;
            }
        }
    }

    /// <summary>
    /// Whether a number as written in text (e.g. "0.45", "-.3", "12") equals one of <paramref name="reportedValues"/>
    /// rounded to as many decimals as were written. Anything that is not a plain decimal number gives false.
    /// </summary>
    public static bool MatchesAny(string writtenNumber, IEnumerable<double> reportedValues)
    {
        ArgumentNullException.ThrowIfNull(writtenNumber);
        ArgumentNullException.ThrowIfNull(reportedValues);
        var text = writtenNumber.Trim();
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var written)
            || !double.IsFinite(written))
        {
            return false;
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var decimals = point < 0 ? 0 : text.Length - point - 1;
        if (decimals > 15)
        {
            return false;
        }

        var canonical = Format(written, decimals);
        return reportedValues.Any(v => string.Equals(Format(v, decimals), canonical, StringComparison.Ordinal));
    }

    private static string WithoutNegativeZero(string formatted) =>
        formatted.StartsWith('-') && formatted.AsSpan(1).IndexOfAnyExcept("0.") < 0 ? formatted[1..] : formatted;

    private static IEnumerable<double> InferenceValues(InferenceSummary? inference)
    {
        if (inference is null)
        {
            yield break;
        }

        yield return inference.Documents;
        yield return inference.ExploratoryFamilySize;
        yield return inference.ConfirmatoryFamilySize;
        var tests = inference.Correlations.SelectMany(c => new[] { (c.Pearson, c.PearsonPHolm), (c.Spearman, c.SpearmanPHolm) })
            .Concat(inference.GroupTests.Select(g => (g.Test, g.PHolm)))
            .Concat(inference.Confirmatory.Select(c => (c.Test, c.PHolm)));
        foreach (var (test, holm) in tests)
        {
            foreach (var value in new[] { test.Statistic, test.Df1, test.Df2, test.P, test.EffectSize, test.EffectSizeCi?.Lower, test.EffectSizeCi?.Upper, holm })
            {
                if (value is { } v)
                {
                    yield return v;
                }
            }
        }

        var groups = inference.GroupTests.Select(g => (g.Means, g.GroupSizes)).Concat(inference.Confirmatory.Select(c => (c.Means, c.GroupSizes)));
        foreach (var value in groups.SelectMany(g => g.Means.Concat(g.GroupSizes.Select(n => (double?)n))))
        {
            if (value is { } v)
            {
                yield return v;
            }
        }
    }

    /// <summary>The agreement with the coders a synthesis may cite: coverage, every metric with its interval, the ceiling and the ratios.</summary>
    private static IEnumerable<double> ValidityValues(ValiditySummary? validity)
    {
        if (validity is null)
        {
            yield break;
        }

        var gold = validity.Gold;
        foreach (var count in new[] { gold.CodedDocuments, gold.CorpusDocuments, gold.Ratings, gold.CoderCount })
        {
            yield return count;
        }

        yield return validity.Settings.MinRatio;
        var estimates = new List<Estimate?>();
        foreach (var dimension in validity.Dimensions)
        {
            yield return dimension.CodedDocuments;
            foreach (var metrics in dimension.Models.Select(m => m.Metrics).Append(dimension.Ceiling).OfType<AgreementMetrics>())
            {
                yield return metrics.Documents;
                estimates.AddRange([metrics.Pearson, metrics.Spearman, metrics.Ccc, metrics.MeanAbsoluteError, metrics.Alpha]);
                foreach (var mean in new[] { metrics.Mean, metrics.CodersMean }.OfType<double>())
                {
                    yield return mean;
                }
            }

            estimates.AddRange(dimension.Models.Select(m => m.RatioToCeiling));
        }

        foreach (var value in estimates.OfType<Estimate>().SelectMany(e => new[] { e.Value, e.Lower, e.Upper }).OfType<double>())
        {
            yield return value;
        }
    }

    private static IEnumerable<double> Values(SummaryStatistics summary)
    {
        yield return summary.N;
        yield return summary.Missing;
        foreach (var value in new[] { summary.Mean, summary.Sd, summary.Min, summary.Max, summary.Median, summary.Q1, summary.Q3, summary.Iqr, summary.CiLower, summary.CiUpper })
        {
            if (value is { } v)
            {
                yield return v;
            }
        }
    }
}
