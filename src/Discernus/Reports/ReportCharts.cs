using Discernus.Statistics;
using ScottPlot;

namespace Discernus.Reports;

internal static class ReportCharts
{
    /// <summary>A bar chart of dimension means with ±1 sd error bars, as SVG; null when there is nothing to plot.</summary>
    public static string? DimensionMeansSvg(CorpusStatistics statistics)
    {
        var dimensions = statistics.Dimensions.Where(d => d.Score.Mean is not null).ToList();
        if (dimensions.Count == 0)
        {
            return null;
        }

        // Horizontal bars: dimension names are long, and on the left axis they never collide or get cut.
        var plot = new Plot();
        var bars = dimensions.Select((d, i) => new Bar
        {
            Position = dimensions.Count - 1 - i,
            Value = d.Score.Mean!.Value,
            Error = d.Score.Sd ?? 0,
            FillColor = Colors.SteelBlue,
        }).ToArray();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, dimensions.Count).Select(i => (double)(dimensions.Count - 1 - i)).ToArray(),
            dimensions.Select(d => d.Name.Replace('_', ' ')).ToArray());
        plot.Axes.SetLimitsX(0, 1);
        plot.XLabel("mean score (0–1)");
        var height = 90 + (40 * dimensions.Count);
        return plot.GetSvgXml(720, height);
    }
}
