using System.Text.Json;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using Microsoft.Playwright;

namespace Discernus.Tests.Reports;

/// <summary>
/// The report's charts on a phone (issue 15), in headless Chromium at 390 px: each chart scales to its box (a
/// viewBox), none is wider than the viewport, every label stays inside its chart, legends sit below the plotted area,
/// the heat map's diagonal reads 1.00, the group means cover every variable tested (derived metrics too), and the
/// offline notice is said once for both offline models.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ReportChartsBrowserTests
{
    private const int Phone = 390;

    // Per chart: its box, its viewBox, and every text's box with its text; as plain numbers for the assertions.
    private const string ChartsScript = """
        () => [...document.querySelectorAll('figure.chart svg')].map(svg => {
          const box = svg.getBoundingClientRect();
          return {
            viewBox: svg.getAttribute('viewBox'),
            left: box.left, right: box.right, top: box.top, bottom: box.bottom,
            texts: [...svg.querySelectorAll('text')].filter(t => t.textContent.trim().length > 0).map(t => {
              const r = t.getBoundingClientRect();
              return { text: t.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
            }),
          };
        })
        """;

    [Fact]
    public async Task Charts_FitAPhone_WithEveryLabelInside_AndLegendsBelowThePlot()
    {
        using var sandbox = PipelineSandbox.Of("political_rhetoric");
        // Two offline models: group charts with a legend, an agreement chart, and one notice for both baselines.
        var run = await sandbox.RunAsync("--models", "lexicon,minilm");
        Assert.True(run.ExitCode == 0, run.Output);
        var report = Path.Combine(run.Folder, "results", "reports", "report.html");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = Phone, Height = 844 } });
        await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = sandbox.Experiment.Outside("charts-390.png"), FullPage = true });

        var viewport = await page.EvaluateAsync<int>("() => document.documentElement.clientWidth");
        using var charts = JsonDocument.Parse((await page.EvaluateAsync<JsonElement>(ChartsScript)).GetRawText());
        var list = charts.RootElement.EnumerateArray().ToList();
        // Distribution, two grouping fields (era, party), correlations, agreement between the two models.
        Assert.Equal(5, list.Count);
        foreach (var chart in list)
        {
            Assert.Matches(@"^0 0 \d+ \d+$", chart.GetProperty("viewBox").GetString());
            var (left, right, top, bottom) = Box(chart);
            Assert.True(left >= 0 && right <= viewport, $"a chart spans {left:F0}–{right:F0} px in a {viewport} px viewport");
            foreach (var text in chart.GetProperty("texts").EnumerateArray())
            {
                var (tl, tr, tt, tb) = Box(text);
                Assert.True(tl >= left - 1 && tr <= right + 1 && tt >= top - 1 && tb <= bottom + 1,
                    $"'{text.GetProperty("text").GetString()}' ({tl:F0}–{tr:F0} × {tt:F0}–{tb:F0}) is outside its chart ({left:F0}–{right:F0} × {top:F0}–{bottom:F0})");
            }
        }

        // A legend entry (a group "(n = 4)", the agreement's "models") sits below the axis title, outside the plotted area.
        var withLegend = list.Where(c => Texts(c).Any(t => t.Text.Contains("(n = ", StringComparison.Ordinal) || t.Text == "models")).ToList();
        Assert.Equal(3, withLegend.Count);
        foreach (var chart in withLegend)
        {
            var axisTitle = Texts(chart).Single(t => t.Text.StartsWith("mean score by", StringComparison.Ordinal) || t.Text.StartsWith("Krippendorff", StringComparison.Ordinal));
            var legend = Texts(chart).Where(t => t.Text.Contains("(n = ", StringComparison.Ordinal) || t.Text == "models").ToList();
            Assert.All(legend, l => Assert.True(l.Top >= axisTitle.Bottom - 1, $"legend entry '{l.Text}' overlaps the plotted area"));
        }

        // The correlation heat map: its diagonal is r = 1.00, once per dimension (five of them).
        var heatmap = list.Single(c => Texts(c).Any(t => t.Text == "1.00"));
        Assert.Equal(5, Texts(heatmap).Count(t => t.Text == "1.00"));
        Assert.DoesNotContain(Texts(heatmap), t => t.Text == "—");

        // Every variable the group tests compare has its group means, the derived metrics too.
        var tested = (await page.Locator("table:has(th:text-is('p (Holm, exploratory)')):has(th:text-is('effect size')) tbody tr td:first-child").AllInnerTextsAsync())
            .Select(v => v.TrimEnd('⚠', ' ')).Distinct().ToList();
        var means = await page.Locator("table:has(th:text-is('era')) th").AllInnerTextsAsync();
        Assert.Contains("populism_index", tested);
        Assert.All(tested, variable => Assert.Contains(variable, means));

        // One offline notice for both offline models.
        var notices = await page.Locator("blockquote:has-text('Offline baseline')").AllInnerTextsAsync();
        var notice = Assert.Single(notices);
        Assert.Equal(1, Occurrences(notice, "`lexicon`") + Occurrences(notice, "lexicon ("));
        Assert.Equal(1, Occurrences(notice, "No language model was involved"));
        Assert.Contains("minilm", notice);
    }

    private static (double Left, double Right, double Top, double Bottom) Box(JsonElement e) =>
        (e.GetProperty("left").GetDouble(), e.GetProperty("right").GetDouble(), e.GetProperty("top").GetDouble(), e.GetProperty("bottom").GetDouble());

    private static List<(string Text, double Top, double Bottom)> Texts(JsonElement chart) =>
        chart.GetProperty("texts").EnumerateArray()
            .Select(t => (t.GetProperty("text").GetString()!, t.GetProperty("top").GetDouble(), t.GetProperty("bottom").GetDouble()))
            .ToList();

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
