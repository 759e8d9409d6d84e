using Discernus.Provenance;

namespace Discernus.Tests.Provenance;

public sealed class RunFolderLayoutTests
{
    [Fact]
    public void The_layout_is_the_one_run_folders_already_have()
    {
        Assert.Equal("results/batch_analysis/abc.json", RunFolder.AnalysisResultFile("abc"));
        Assert.Equal("results/synthesis/abc.md", RunFolder.SynthesisFile("abc"));
        Assert.Equal("results/exports/scores.csv", RunFolder.ExportFile("scores.csv"));
        Assert.Equal("logs/llm_interactions.jsonl", RunFolder.InteractionsLog);
        Assert.Equal("results/synthesis/statistics.json", RunFolder.StatisticsFile);
        Assert.Equal("results/reports/report.html", RunFolder.ReportHtmlFile);
        Assert.Equal("results/pretest/pretest.md", RunFolder.PretestMarkdownFile);

        var folder = new RunFolder(Path.Combine(Path.GetTempPath(), "run"), "run");
        Assert.Equal(Path.Combine(folder.Path, "results", "batch_analysis"), folder.BatchAnalysisDirectory);
        Assert.Equal(Path.Combine(folder.Path, "logs"), folder.LogsDirectory);
    }
}
