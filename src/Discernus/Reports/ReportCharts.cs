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

        var plot = new Plot();
        var bars = dimensions.Select((d, i) => new Bar
        {
            Position = i,
            Value = d.Score.Mean!.Value,
            Error = d.Score.Sd ?? 0,
            FillColor = Colors.SteelBlue,
        }).ToArray();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, dimensions.Count).Select(i => (double)i).ToArray(),
            dimensions.Select(d => d.Name.Replace('_', ' ')).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = dimensions.Count > 4 ? 30 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = dimensions.Count > 4 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        plot.Axes.SetLimitsY(0, 1);
        plot.YLabel("mean score (0–1)");
        plot.Axes.Margins(bottom: 0);
        return plot.GetSvgXml(720, 380);
    }
}
