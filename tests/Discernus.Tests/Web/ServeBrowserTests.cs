using System.Text.RegularExpressions;
using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;
using Discernus.Web;
using Microsoft.Playwright;

namespace Discernus.Tests.Web;

/// <summary>
/// `discernus serve` on Kestrel at 127.0.0.1, driven in Debian's chromium through Playwright as a researcher would use
/// it: open an example run, open a document, code two documents blind, watch the agreement appear. No request may fail
/// and the console must stay free of errors. The document page's screenshot is what README and the user guide show
/// (written to DISCERNUS_SCREENSHOT_DIR when set, e.g. docs/images).
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ServeBrowserTests
{
    [Fact]
    public async Task Researcher_OpensARunAndADocument_CodesTwoDocumentsBlind_AndSeesAgreement()
    {
        using var sandbox = PipelineSandbox.Of("political_rhetoric");
        var run = await sandbox.RunAsync();
        Assert.True(run.ExitCode == 0, run.Output);
        var experiment = Path.GetFileName(sandbox.ExperimentPath);
        var options = ServeOptions.For(Path.GetDirectoryName(sandbox.ExperimentPath)!, null, 0, sandbox.Environment) with { RequestBudget = TimeSpan.FromSeconds(30) };
        await using var server = await ServeHost.StartAsync(options);
        var origin = server.Addresses.Single();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var failed = new List<string>();
        var foreign = new List<string>();
        var console = new List<string>();
        page.RequestFailed += (_, request) => failed.Add($"{request.Url}: {request.Failure}");
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                foreign.Add(request.Url);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failed.Add($"{response.Url}: HTTP {response.Status}");
            }
        };
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"error: {error}");

        // The experiments page, then the run.
        await page.GotoAsync(origin + "/");
        await page.ClickAsync($"a[href='/e/{experiment}/r/{Path.GetFileName(run.Folder)}']");
        await page.WaitForSelectorAsync("table.documents");
        Assert.Equal(20, await page.Locator("table.documents tbody tr").CountAsync());
        await page.WaitForSelectorAsync("iframe.report");

        // A document, with its evidence highlighted.
        await page.ClickAsync("table.documents tbody tr:first-child td:first-child a");
        await page.WaitForSelectorAsync("#document-text mark.ev");
        Assert.True(await page.Locator("#document-text mark.ev").CountAsync() > 0);
        Assert.True(await page.Locator("pre.prompt").CountAsync() > 0, "the stored prompt is shown");
        var screenshot = sandbox.Experiment.Outside("document-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is (nearly) empty");
        if (Environment.GetEnvironmentVariable("DISCERNUS_SCREENSHOT_DIR") is { Length: > 0 } keep)
        {
            File.Copy(screenshot, Path.Combine(keep, "document-page.png"), overwrite: true);
        }

        // Human coding: a coder, a sample of two, blind.
        await page.GotoAsync($"{origin}/e/{experiment}/code");
        await page.FillAsync("input[name=coder]", "ann");
        await page.FillAsync("input[name=n]", "2");
        await page.FillAsync("input[name=seed]", "3");
        await page.ClickAsync("#coder-form button");
        await page.ClickAsync("ol.sample li:first-child a");
        for (var document = 1; document <= 2; document++)
        {
            Assert.Equal(0, await page.Locator("table.model-scores").CountAsync());
            var inputs = page.Locator("#code-form input[type=number]");
            var count = await inputs.CountAsync();
            for (var i = 0; i < count; i++)
            {
                await inputs.Nth(i).FillAsync(((((document * 3) + (i * 2)) % 10) / 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
            }

            await page.ClickAsync("#code-form button");
            await page.WaitForSelectorAsync("table.model-scores");
            if (document == 1)
            {
                await page.ClickAsync("#next-document");
            }
        }

        var alpha = await page.Locator("#agreement td.alpha").First.InnerTextAsync();
        Assert.Matches(new Regex("^-?[0-9]\\.[0-9]{3}$"), alpha);
        Assert.Contains("lexicon vs. human coders", await page.Locator("#agreement").InnerTextAsync());

        Assert.Empty(failed);
        Assert.Empty(foreign);
        Assert.DoesNotContain(console, c => c.StartsWith("error", StringComparison.Ordinal));
    }
}
