using Discernus.Tests.Infrastructure;
using Discernus.Tests.Orchestration;

namespace Discernus.Tests.Reports;

/// <summary>
/// A scripted model quotes text that is not in the document and writes a synthesis with a wrong mean; the document and
/// the model's text carry hostile Markdown. The report flags both inventions and report.html stays inert.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ReportPipelineTests
{
    private const string Library = "library_reading_room_praise.txt";
    private const string HostileLine = "Details: [read](javascript:alert(1)) ![x](http://tracker.example/p.png) <img src=x onerror=alert(1)>";
    private const string InventedQuote = "The reading room is paved with solid gold.";

    [Fact]
    public async Task InventedQuoteAndWrongMean_AreFlagged_AndHostileContentIsInert()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                // The true mean of positive_sentiment is (0.8 + 0.2) / 2 = 0.500; 0.937 is wrong.
                return FakeModelServerResponse.Answer("Positive sentiment has a mean of 0.937 across the remarks. [click](javascript:alert(2)) ![t](https://tracker.example/s.gif)");
            }

            var library = ScriptedAnalysisAnswers.DocumentName(request) == Library;
            return FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request), (name, entry) =>
            {
                if (name == "positive_sentiment")
                {
                    entry["raw_score"] = library ? 0.8 : 0.2;
                    entry["evidence"] = library ? new[] { HostileLine, InventedQuote } : Array.Empty<string>();
                }

                return entry;
            }));
        };
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "sk-test-report",
        });
        File.AppendAllText(sandbox.Experiment.File($"corpus/{Library}"), "\n" + HostileLine + "\n");

        var run = await sandbox.RunAsync("--model", "openai-compatible/scripted");

        Assert.True(run.ExitCode == 0, run.Output);
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("results/reports/report.md", (string?)manifest["outputs"]!["report_markdown"]);
        Assert.Equal("results/reports/report.html", (string?)manifest["outputs"]!["report_html"]);
        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        var findings = RunFolderChecks.Section(report, "## Detailed Findings");
        Assert.Contains($"⚠ unverified: “{InventedQuote}”", findings);
        Assert.Contains("**Unverified evidence** (1)", findings);
        Assert.Contains("0.937 ⚠", RunFolderChecks.Section(report, "## Interpretation"));
        Assert.Contains("1 unverified", RunFolderChecks.Section(report, "## Executive Summary"));

        var html = File.ReadAllText(Path.Combine(run.Folder, "results", "reports", "report.html"));
        Assert.Empty(HtmlSafety.Problems(html));
        Assert.Contains("0.937 ⚠", html);
        Assert.Contains("read (<code>javascript:alert(1)</code>)", html);
        // report.md is as inert: the link is text in a code span, and no viewer follows it.
        Assert.Contains("read (`javascript:alert(1)`)", report);
        Assert.DoesNotContain("](javascript:", report);
        Assert.Equal(0, (await RunFolderChecks.VerifyAsync(run.Folder)).Exit);
    }
}
