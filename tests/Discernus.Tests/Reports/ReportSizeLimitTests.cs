using System.Text;
using Discernus.Reports;

namespace Discernus.Tests.Reports;

public sealed class ReportSizeLimitTests
{
    private static string Render(string markdown) => "<html>" + markdown + markdown + "</html>";

    [Fact]
    public void ReportUnderTheLimit_IsKeptWhole()
    {
        var (markdown, html, cut) = ReportSizeLimit.Fit("# R\n\n## A\n\ntext\n", Render, 10_000);

        Assert.False(cut);
        Assert.Equal("# R\n\n## A\n\ntext\n", markdown);
        Assert.Equal(Render(markdown), html);
    }

    [Fact]
    public void ReportOverTheLimit_KeepsItsFirstSections_AndSaysWhatWasLeftOut()
    {
        var big = new StringBuilder("# Report\n\n## Summary\n\nshort\n");
        big.Append("\n## Correlations\n\n").Append('x', 200_000).Append('\n');
        big.Append("\n## Appendix\n\nend\n");

        var (markdown, html, cut) = ReportSizeLimit.Fit(big.ToString(), Render, 50_000);

        Assert.True(cut);
        Assert.Contains("## Summary", markdown);
        Assert.DoesNotContain("## Correlations\n\nxxx", markdown);
        Assert.Contains("Left out: “Correlations”, “Appendix”", markdown);
        Assert.Contains("DISCERNUS_MAX_REPORT_BYTES", markdown);
        // The note sends the reader to the file the run writes its statistics to (it named results/statistics.json, which no run has).
        Assert.Contains("`results/synthesis/statistics.json`", markdown);
        Assert.True(Encoding.UTF8.GetByteCount(html) <= 50_000);
    }
}
