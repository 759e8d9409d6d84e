using System.Globalization;
using System.Text;
using Discernus.Experiments;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using Microsoft.Playwright;

namespace Discernus.Tests.Reports;

/// <summary>
/// A gold run at real scale — 600 documents, 5 coders each out of 200 — opened in headless Chromium at phone width:
/// the page does not scroll sideways, every coder id the report names sits in the capped coder table, and no paragraph
/// or list item carries a list of ids.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ValidityReportBrowserTests
{
    private const int Documents = 600;
    private const int Coders = 200;
    private const int CodersPerDocument = 5;

    [Fact]
    public async Task AGoldRunWith200Coders_RendersAt390Px_WithoutIdLists()
    {
        using var sandbox = PipelineSandbox.Of("nano");
        WriteCorpusAndGold(sandbox);

        var run = await sandbox.RunAsync();

        Assert.True(run.ExitCode is 0 or 6, $"exit {run.ExitCode}\n{run.Output}");
        var markdown = RunFolderChecks.ReportMarkdown(run.Folder);
        var named = Enumerable.Range(0, Coders).Select(CoderId).Where(id => markdown.Contains(id, StringComparison.Ordinal)).ToList();
        Assert.InRange(named.Count, 1, 20);
        // An id appears only in its own row of the coder table: never in a list inline.
        foreach (var line in markdown.Split('\n').Where(l => named.Any(id => l.Contains(id, StringComparison.Ordinal))))
        {
            Assert.StartsWith("| coder_", line);
            Assert.Single(named, id => line.Contains(id + " ", StringComparison.Ordinal) || line.Contains(id + "|", StringComparison.Ordinal));
        }

        Assert.Contains("more coder(s) are counted", markdown);
        Assert.Contains($"Validated on {Documents} of {Documents} documents", markdown);

        var report = Path.Combine(run.Folder, "results", "reports", "report.html");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = sandbox.Experiment.Outside("validity-390.png"), FullPage = true });

        var scroll = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(scroll[0] <= scroll[1], $"the page scrolls sideways at 390 px: scrollWidth {scroll[0]} > clientWidth {scroll[1]}");
        // Outside tables (which scroll in their own box), no block of text names more than one coder.
        var blocks = await page.Locator("p, li").AllInnerTextsAsync();
        foreach (var block in blocks)
        {
            Assert.True(named.Count(id => block.Contains(id, StringComparison.Ordinal)) <= 1, $"a list of coder ids in: {block[..Math.Min(block.Length, 200)]}");
        }

        // The validity chart: one, and as wide as the page at most.
        var chart = page.Locator("figure.chart", new PageLocatorOptions { HasText = "Validity per dimension" });
        Assert.Equal(1, await chart.CountAsync());
        var box = await chart.Locator("svg").BoundingBoxAsync();
        Assert.True(box is not null && box.Width <= scroll[1], $"the validity chart is {box?.Width} px wide at 390 px");

        var headings = await page.Locator("h2").AllInnerTextsAsync();
        Assert.Contains("Reliability", headings);
        Assert.Contains("Validity against human coders", await page.Locator("h3").AllInnerTextsAsync());
    }

    private static string CoderId(int coder) => string.Create(CultureInfo.InvariantCulture, $"coder_{coder:D3}");

    /// <summary>600 short documents, and a sparse gold file: 5 of 200 coders per document, their scores around a latent truth.</summary>
    private static void WriteCorpusAndGold(PipelineSandbox sandbox)
    {
        var corpus = sandbox.Experiment.File("corpus");
        Directory.Delete(corpus, recursive: true);
        Directory.CreateDirectory(corpus);
        string[] praise = ["wonderful", "great", "thanks", "excellent", "helpful"];
        string[] complaint = ["terrible", "awful", "disappointed", "unacceptable", "poor"];
        var random = new Random(600);
        var manifest = new StringBuilder("# Corpus\n\n```yaml\nname: scale\nversion: \"1.0\"\ndocuments:\n");
        var gold = new List<GoldRating>();
        for (var i = 0; i < Documents; i++)
        {
            var positive = random.Next(0, 4);
            var negative = random.Next(0, 4);
            var words = Enumerable.Range(0, positive).Select(_ => praise[random.Next(praise.Length)])
                .Concat(Enumerable.Range(0, negative).Select(_ => complaint[random.Next(complaint.Length)]));
            var name = string.Create(CultureInfo.InvariantCulture, $"doc_{i:D3}.txt");
            File.WriteAllText(Path.Combine(corpus, name), $"Remark {i.ToString(CultureInfo.InvariantCulture)} on the library: {string.Join(", ", words)}.\n");
            manifest.Append(CultureInfo.InvariantCulture, $"  - filename: {name}\n    document_id: d{i:D3}\n    metadata: {{tone: {(i % 2 == 0 ? "positive" : "negative")}}}\n");
            var coders = Enumerable.Range(0, Coders).OrderBy(_ => random.Next()).Take(CodersPerDocument);
            foreach (var coder in coders)
            {
                gold.Add(new GoldRating($"d{i:D3}", "positive_sentiment", Math.Clamp((positive / 4.0) + ((random.NextDouble() - 0.5) * 0.4), 0, 1), CoderId(coder)));
                gold.Add(new GoldRating($"d{i:D3}", "negative_sentiment", Math.Clamp((negative / 4.0) + ((random.NextDouble() - 0.5) * 0.4), 0, 1), CoderId(coder)));
            }
        }

        File.WriteAllText(sandbox.Experiment.File("corpus.md"), manifest.Append("```\n").ToString());
        File.WriteAllText(sandbox.Experiment.File("gold.csv"), GoldFile.Write(gold));
    }
}
