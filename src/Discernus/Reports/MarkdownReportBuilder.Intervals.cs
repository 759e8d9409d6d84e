using System.Globalization;
using System.Text;
using Discernus.Provenance;
using Discernus.Statistics;

namespace Discernus.Reports;

/// <summary>How an interval is written.</summary>
internal static partial class MarkdownReportBuilder
{
    private static string Ci(SummaryStatistics summary) =>
        summary.CiLower is { } low && summary.CiUpper is { } high ? $"[{N(low)}, {N(high)}]" : StatisticsFormatter.NotAvailable;
}
