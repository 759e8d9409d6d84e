using System.Globalization;
using Discernus.Statistics;
using ScottPlot;

namespace Discernus.Reports;

/// <summary>
/// The report's charts as SVG (ScottPlot), all drawn in <see cref="FontFamily"/>, the page's font: the distribution of
/// each dimension, dimension means by group with 95% confidence intervals, the correlation heat map, and agreement
/// between runs, models and coders. Everything is drawn from <see cref="CorpusStatistics"/>; nothing is embedded as a
/// bitmap, so a chart never carries an image URL. Every chart has a viewBox, so it scales to the width of its box (a
/// phone's 390 pixels as well as a desktop's), and legends sit below the plotted area, never over the bars.
/// </summary>
internal static class ReportCharts
{
    public const string FontFamily = "DejaVu Sans";
    private const int Width = 720;

    private static readonly Color[] Palette =
    [
        Color.FromHex("#4C72B0"), Color.FromHex("#DD8452"), Color.FromHex("#55A868"), Color.FromHex("#C44E52"),
        Color.FromHex("#8172B3"), Color.FromHex("#937860"), Color.FromHex("#DA8BC3"), Color.FromHex("#8C8C8C"),
        Color.FromHex("#CCB974"), Color.FromHex("#64B5CD"),
    ];

    /// <summary>Per dimension: min–max whiskers, the interquartile box and the median; null when nothing was scored.</summary>
    public static string? DistributionSvg(CorpusStatistics statistics)
    {
        var dimensions = statistics.Dimensions.Where(d => d.Score is { Min: not null, Max: not null, Q1: not null, Q3: not null, Median: not null }).ToList();
        if (dimensions.Count == 0)
        {
            return null;
        }

        var plot = NewPlot();
        for (var i = 0; i < dimensions.Count; i++)
        {
            var s = dimensions[i].Score;
            var y = dimensions.Count - 1 - i;
            var whisker = plot.Add.Line(s.Min!.Value, y, s.Max!.Value, y);
            whisker.LineColor = Colors.DimGray;
            var box = plot.Add.Rectangle(s.Q1!.Value, Math.Max(s.Q3!.Value, s.Q1.Value + 0.002), y - 0.3, y + 0.3);
            box.FillColor = Palette[0].WithAlpha(0.55);
            box.LineColor = Palette[0];
            var median = plot.Add.Line(s.Median!.Value, y - 0.3, s.Median.Value, y + 0.3);
            median.LineColor = Colors.Black;
            median.LineWidth = 2;
        }

        CategoryAxis(plot, dimensions.Select(d => d.Name).ToList());
        plot.Axes.SetLimits(0, 1, -0.6, dimensions.Count - 0.4);
        plot.XLabel("score (0–1): whiskers min–max, box quartiles, line median");
        return Svg(plot, 90 + (40 * dimensions.Count));
    }

    /// <summary>One chart per grouping field: each group's mean per dimension, with its 95% confidence interval.</summary>
    public static string? GroupMeansSvg(CorpusStatistics statistics, GroupComparison comparison)
    {
        var names = statistics.Dimensions.Select(d => d.Name).ToList();
        var groups = comparison.Groups.Take(Palette.Length).ToList();
        if (names.Count == 0 || groups.Count == 0)
        {
            return null;
        }

        var plot = NewPlot();
        var slot = 0.8 / groups.Count;
        var intervals = new List<(double Position, double Lower, double Upper)>();
        for (var g = 0; g < groups.Count; g++)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < names.Count; i++)
            {
                var summary = groups[g].Dimensions.FirstOrDefault(d => d.Name == names[i])?.Summary;
                if (summary?.Mean is not { } mean)
                {
                    continue;
                }

                var position = names.Count - 1 - i - 0.4 + (slot * (g + 0.5));
                bars.Add(new Bar
                {
                    Position = position,
                    Value = mean,
                    Size = slot * 0.9,
                    FillColor = Palette[g],
                });
                // The interval as a line of its own: a clipped one is not symmetric about the mean.
                if (summary.CiLower is { } lower && summary.CiUpper is { } upper)
                {
                    intervals.Add((position, lower, upper));
                }
            }

            var plottable = plot.Add.Bars(bars);
            plottable.Horizontal = true;
            plottable.LegendText = $"{groups[g].Value} (n = {groups[g].N.ToString(CultureInfo.InvariantCulture)})";
        }

        foreach (var (position, lower, upper) in intervals)
        {
            var line = plot.Add.Line(lower, position, upper, position);
            line.LineWidth = 1.5f;
            line.LineColor = Colors.Black;
        }

        CategoryAxis(plot, names);
        plot.Axes.SetLimitsX(0, 1);
        plot.XLabel($"mean score by {comparison.Field} (error bars: 95% confidence interval)");
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot, 110 + (Math.Max(40, 18 * groups.Count) * names.Count) + LegendHeight(groups.Count));
    }

    /// <summary>Pearson r between dimensions as coloured cells (blue negative, red positive) with the value written in.</summary>
    public static string? CorrelationHeatmapSvg(CorpusStatistics statistics)
    {
        var c = statistics.Correlations;
        var n = c.Dimensions.Count;
        if (n < 2)
        {
            return null;
        }

        var plot = NewPlot();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                // The diagonal is a dimension with itself: r = 1 by definition, shown as such in a neutral colour so it does
                // not read as the strongest finding of the chart.
                var r = i == j ? 1.0 : c.Coefficients[i][j];
                var y = n - 1 - i;
                var cell = plot.Add.Rectangle(j - 0.5, j + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = i == j ? Color.FromHex("#E8E8EC") : r is { } v ? Diverging(v) : Colors.LightGray;
                cell.LineColor = Colors.White;
                var label = plot.Add.Text(StatisticsFormatter.Format(r, 2), j, y);
                label.LabelFontSize = 12;
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontName = FontFamily;
            }
        }

        var labels = c.Dimensions.Select(d => d.Replace('_', ' ')).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), labels);
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Axes.Bottom.MinimumSize = 120;
        return Svg(plot, 160 + (50 * n));
    }

    /// <summary>Krippendorff's alpha per dimension for each comparison (runs, models, gold), with the 0.67 line.</summary>
    public static string? AgreementSvg(ReliabilitySummary? reliability, IReadOnlyList<string> dimensions)
    {
        var comparisons = reliability?.Comparisons.Take(Palette.Length).ToList() ?? [];
        if (comparisons.Count == 0 || dimensions.Count == 0)
        {
            return null;
        }

        var plot = NewPlot();
        var slot = 0.8 / comparisons.Count;
        for (var k = 0; k < comparisons.Count; k++)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < dimensions.Count; i++)
            {
                if (comparisons[k].Dimensions.FirstOrDefault(d => d.Dimension == dimensions[i])?.Alpha is { } alpha)
                {
                    bars.Add(new Bar { Position = dimensions.Count - 1 - i - 0.4 + (slot * (k + 0.5)), Value = alpha, Size = slot * 0.9, FillColor = Palette[k] });
                }
            }

            var plottable = plot.Add.Bars(bars);
            plottable.Horizontal = true;
            plottable.LegendText = comparisons[k].Label;
        }

        var threshold = plot.Add.VerticalLine(reliability!.Threshold);
        threshold.LineColor = Colors.DarkRed;
        threshold.LinePattern = LinePattern.Dashed;
        CategoryAxis(plot, dimensions.ToList());
        plot.Axes.SetLimitsX(Math.Min(0, comparisons.SelectMany(c => c.Dimensions).Select(d => d.Alpha ?? 0).DefaultIfEmpty(0).Min()), 1);
        plot.XLabel("Krippendorff's alpha (interval); dashed line: 0.67");
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot, 110 + (Math.Max(40, 18 * comparisons.Count) * dimensions.Count) + LegendHeight(comparisons.Count));
    }

    /// <summary>
    /// Per dimension, the reading the validity was judged on against the human ceiling: the model's r with the coders'
    /// mean and the ceiling's r (each coder against the others), each with its 95 % interval, and a tick at
    /// min_ratio × the ceiling — the r the model had to reach. A dimension without gold has no bars.
    /// </summary>
    public static string? ValiditySvg(ValiditySummary? validity)
    {
        var dimensions = validity?.Dimensions.Where(d => d.Ceiling is not null || d.JudgedReading() is not null).ToList() ?? [];
        if (dimensions.Count == 0)
        {
            return null;
        }

        var plot = NewPlot();
        var names = dimensions.Select(d => d.Dimension).ToList();
        var readings = new (string Label, Func<DimensionValidity, Estimate?> Value)[]
        {
            ("human ceiling (each coder vs the others)", d => d.Ceiling?.Pearson),
            ("model (the reading judged)", d => d.JudgedReading()?.Metrics.Pearson),
        };
        var slot = 0.8 / readings.Length;
        var intervals = new List<(double Position, double Lower, double Upper)>();
        var lowest = 0.0;
        for (var k = 0; k < readings.Length; k++)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < dimensions.Count; i++)
            {
                if (readings[k].Value(dimensions[i]) is not { Value: { } r } estimate)
                {
                    continue;
                }

                var position = names.Count - 1 - i - 0.4 + (slot * (k + 0.5));
                bars.Add(new Bar { Position = position, Value = r, Size = slot * 0.9, FillColor = Palette[k] });
                lowest = Math.Min(lowest, estimate.Lower ?? r);
                if (estimate.Lower is { } lower && estimate.Upper is { } upper)
                {
                    intervals.Add((position, lower, upper));
                }
            }

            var plottable = plot.Add.Bars(bars);
            plottable.Horizontal = true;
            plottable.LegendText = readings[k].Label;
        }

        foreach (var (position, lower, upper) in intervals)
        {
            var line = plot.Add.Line(lower, position, upper, position);
            line.LineWidth = 1.5f;
            line.LineColor = Colors.Black;
        }

        for (var i = 0; i < dimensions.Count; i++)
        {
            if (dimensions[i].Ceiling?.Pearson.Value is { } ceiling && ceiling > 0)
            {
                var target = ceiling * validity!.Settings.MinRatio;
                var center = names.Count - 1 - i;
                var tick = plot.Add.Line(target, center - 0.45, target, center + 0.45);
                tick.LineColor = Colors.DarkRed;
                tick.LinePattern = LinePattern.Dashed;
            }
        }

        CategoryAxis(plot, names);
        plot.Axes.SetLimitsX(Math.Max(-1, Math.Floor(lowest * 10) / 10), 1);
        plot.XLabel($"Pearson r with the coders' mean; dashed: {validity!.Settings.MinRatio.ToString("0.##", CultureInfo.InvariantCulture)} × the ceiling");
        plot.ShowLegend(Edge.Bottom);
        return Svg(plot, 110 + (50 * dimensions.Count) + LegendHeight(readings.Length));
    }

    /// <summary>
    /// The chart as SVG with a viewBox in place of a fixed size: it keeps its proportions and scales to its box (the
    /// report's CSS gives it the page's width at most). The width and height stay as the size it has where there is room.
    /// </summary>
    internal static string Svg(Plot plot, int height)
    {
        var svg = plot.GetSvgXml(Width, height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var end = start < 0 ? -1 : svg.IndexOf('>', start);
        if (end < 0)
        {
            return svg;
        }

        var open = svg[start..end];
        var viewBox = string.Create(CultureInfo.InvariantCulture, $" viewBox=\"0 0 {Width} {height}\" preserveAspectRatio=\"xMidYMid meet\"");
        return open.Contains("viewBox", StringComparison.Ordinal) ? svg : svg[..end] + viewBox + svg[end..];
    }

    /// <summary>Room below the axis for a legend of this many entries (a line of them where they fit, more lines where not).</summary>
    private static int LegendHeight(int entries) => 30 + (22 * ((entries + 2) / 3));

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontFamily);
        return plot;
    }

    /// <summary>Names on the left axis, top to bottom in framework order: long names never collide or get cut there.</summary>
    private static void CategoryAxis(Plot plot, IReadOnlyList<string> names) =>
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, names.Count).Select(i => (double)(names.Count - 1 - i)).ToArray(),
            names.Select(n => n.Replace('_', ' ')).ToArray());

    private static Color Diverging(double r)
    {
        var t = Math.Clamp(Math.Abs(r), 0, 1);
        var end = r >= 0 ? Color.FromHex("#C44E52") : Color.FromHex("#4C72B0");
        byte Mix(byte to) => (byte)Math.Round(255 + ((to - 255) * t));
        return new Color(Mix(end.R), Mix(end.G), Mix(end.B));
    }
}
