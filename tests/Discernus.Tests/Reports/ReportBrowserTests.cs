using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using Microsoft.Playwright;

namespace Discernus.Tests.Reports;

/// <summary>
/// The HTML report of an example run opened in headless Chromium (Debian's package, driven by Playwright): a phone-width
/// screenshot is taken, nothing is requested from anywhere, and the page does not scroll sideways at 390 px.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ReportBrowserTests
{
    [Theory]
    [InlineData("political_rhetoric", 390)]
    [InlineData("political_rhetoric", 1280)]
    public async Task ReportHtml_RendersOffline_WithoutHorizontalScroll(string project, int width)
    {
        using var sandbox = PipelineSandbox.Of(project);
        var run = await sandbox.RunAsync("--runs", "2");
        Assert.True(run.ExitCode == 0, run.Output);
        var report = Path.Combine(run.Folder, "results", "reports", "report.html");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 844 } });
        var requests = new List<string>();
        var failed = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.RequestFailed += (_, request) => failed.Add($"{request.Url}: {request.Failure}");
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");

        await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var screenshot = sandbox.Experiment.Outside($"report-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is (nearly) empty");
        Assert.Empty(failed);
        Assert.Equal([new Uri(report).AbsoluteUri], requests);
        Assert.DoesNotContain(console, c => c.StartsWith("error", StringComparison.Ordinal));
        var scroll = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(scroll[0] <= scroll[1], $"the page scrolls sideways at {width} px: scrollWidth {scroll[0]} > clientWidth {scroll[1]}");
        // Distribution, the two grouping fields and correlations; no agreement chart: two lexicon runs are identical by
        // construction, so there is no alpha to draw.
        Assert.Equal(4, await page.Locator("figure.chart svg").CountAsync());
        // The verdict table scrolls in its own box; the page does not (checked above).
        Assert.Equal(1, await page.Locator("div.table-scroll table:has(th:text-is('verdict'))").CountAsync());
        var headings = await page.Locator("h2").AllInnerTextsAsync();
        Assert.Equal(["Executive Summary", "Key Findings", "Methodology", "Detailed Findings", "Group Comparisons", "Correlations Between Dimensions", "Hypotheses", "Reliability", "Interpretation", "Appendix"], headings);
    }
}
