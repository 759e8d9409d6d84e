using Discernus.Reports;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Discernus.Tests.Reports;

/// <summary>report.md carries no live HTML and no link a viewer would follow, as report.html does not.</summary>
public sealed class MarkdownSafetyTests
{
    private const string Hostile = """
        # Report

        <!-- chart:distribution -->

        The model wrote <script>alert(1)</script> and <img src=x onerror=alert(2)> inline.

        <div onclick="steal()">a block of HTML</div>

        A [click here](javascript:alert(3)) link, a [remote one](https://evil.example/x), an image ![pixel](https://evil.example/p.png),
        an autolink <https://evil.example/a>, a bare https://evil.example/b and a [section](#summary) link that stays.

        | document | quote |
        |---|---|
        | d1 | "<b onmouseover=x()>bold</b>" |
        """;

    [Fact]
    public void RawHtmlAndUnsafeLinks_AreNeutralised_AndSafeOnesKept()
    {
        var safe = MarkdownSafety.Neutralise(Hostile);

        var document = Markdown.Parse(safe, new MarkdownPipelineBuilder().UseAdvancedExtensions().Build());
        var html = document.Descendants().OfType<HtmlInline>().Select(h => h.Tag)
            .Concat(document.Descendants<HtmlBlock>().Select(b => b.Lines.ToString())).ToList();
        Assert.All(html, h => Assert.StartsWith("<!-- chart:", h.Trim()));
        var links = document.Descendants<LinkInline>().Select(l => l.Url).ToList();
        Assert.Equal(["#summary"], links);
        Assert.Empty(document.Descendants<AutolinkInline>());
        Assert.Contains("<!-- chart:distribution -->", safe);
        Assert.Contains("click here (`javascript:alert(3)`)", safe);
        Assert.Contains("[image: pixel `https://evil.example/p.png`]", safe);
        Assert.Contains("\\<script>alert(1)\\</script>", safe);
        Assert.Contains("| d1 |", safe);
    }

    [Fact]
    public void PlainMarkdown_IsKeptByteForByte()
    {
        const string plain = "# R\n\nA *quote* with | pipes and [a section](#a) and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

        Assert.Same(plain, MarkdownSafety.Neutralise(plain));
    }
}
