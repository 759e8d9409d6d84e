using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>How an interval is written.</summary>
internal static partial class MarkdownReportBuilder
{
    /// <summary>"[0.120, 0.480]", "[0.000, 0.210] (clipped to 0–1)", or why there is none ("n too small for a CI (n = 2)").</summary>
    private static string Ci(SummaryStatistics summary) =>
        summary.CiLower is { } low && summary.CiUpper is { } high
            ? $"[{N(low)}, {N(high)}]{(summary.CiClipped ? " (clipped to 0–1)" : "")}"
            : summary.CiNote ?? StatisticsFormatter.NotAvailable;

    /// <summary>"mean 0.300, 95% CI [0.100, 0.500], n = 12", or "mean 0.300; n too small for a CI (n = 2)".</summary>
    private static string MeanAndCi(SummaryStatistics summary) =>
        summary.CiLower is not null && summary.CiUpper is not null
            ? $"mean {N(summary.Mean)}, 95% CI {Ci(summary)}, n = {F(summary.N)}"
            : $"mean {N(summary.Mean)}; {summary.CiNote ?? $"no CI, n = {F(summary.N)}"}";

    /// <summary>An effect size and its 95 % interval, short enough for a table cell: "g −1.229 [−2.463, 0.005]".</summary>
    private static string EffectWithCi(string? name, double? value, EffectSizeInterval? interval)
    {
        var symbol = name switch { "hedges_g" => "g", "eta_squared" => "η²", null => "", _ => name };
        var ci = interval is { IsDefined: true } ? $" [{N(interval.Lower)}, {N(interval.Upper)}]" : interval is null ? "" : " (no CI)";
        return value is null ? StatisticsFormatter.NotAvailable : $"{symbol} {N(value)}{ci}".Trim();
    }
}
