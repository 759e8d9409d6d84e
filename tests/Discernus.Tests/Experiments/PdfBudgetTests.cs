using System.Diagnostics;
using Discernus.Experiments;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Experiments;

/// <summary>
/// The PDF bombs of issue 14, made here: each is refused at a limit, having decoded at most that limit (the seconds
/// and megabytes are measured by bench/hostile.sh, not asserted here).
/// </summary>
public sealed class PdfBudgetTests
{
    private static readonly ExperimentLimits Defaults = new();

    [Fact]
    public void PdfOf600000TextLines_IsRefused_ByThePageOperationLimit_BeforeThePageIsBuilt()
    {
        var bomb = HostileFiles.PdfOfTextLines(600_000);
        Assert.True(bomb.Length < 400_000, $"the bomb is {bomb.Length:N0} bytes");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var text = DocumentTextExtractor.Extract("lines.pdf", bomb, Defaults);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(FindingCodes.DocumentOverLimit, text.ProblemCode);
        Assert.Contains("page 1 draws more than 200,000 operators and glyphs", text.Problem);
        Assert.Contains("DISCERNUS_MAX_PDF_PAGE_OPERATIONS", text.Fix);
        // Counting one token at a time: the content stream (31 MB) and its tokens, never 600,000 operations and 27 million letters.
        Assert.True(allocated < 400_000_000, $"extraction allocated {allocated:N0} bytes");
    }

    [Fact]
    public void PdfInflatingToOneGibibyte_IsRefused_ByTheStreamLimit_WithoutInflatingIt()
    {
        var bomb = HostileFiles.PdfInflatingTo(1L << 30);
        Assert.True(bomb.Length < 1_500_000, $"the bomb is {bomb.Length:N0} bytes");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var text = DocumentTextExtractor.Extract("air.pdf", bomb, Defaults);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(FindingCodes.DocumentOverLimit, text.ProblemCode);
        Assert.Contains("inflates to more than 33,554,432 bytes", text.Problem);
        Assert.Contains("DISCERNUS_MAX_PDF_STREAM_BYTES", text.Fix);
        Assert.True(allocated < 20_000_000, $"extraction allocated {allocated:N0} bytes");
    }

    [Fact]
    public void PageLimit_RefusesLongPdfs_AndTheLimitsAreReadFromTheEnvironment()
    {
        var limits = ExperimentLimits.FromEnvironment(new Dictionary<string, string?>
        {
            ["DISCERNUS_MAX_PDF_PAGES"] = "2",
            ["DISCERNUS_MAX_PDF_STREAM_BYTES"] = "1000",
            ["DISCERNUS_MAX_PDF_PAGE_OPERATIONS"] = "500",
        });
        Assert.Equal((2, 1000L, 500L), (limits.MaxPdfPages, limits.MaxPdfStreamBytes, limits.MaxPdfPageOperations));

        var text = DocumentTextExtractor.Extract("long.pdf", DocumentTextExtractorTests.Pdf(3, 2, "A line of text."), limits with { MaxPdfStreamBytes = Defaults.MaxPdfStreamBytes });

        Assert.Equal(FindingCodes.DocumentOverLimit, text.ProblemCode);
        Assert.Contains("it has 3 pages, over the limit of 2", text.Problem);
        Assert.Contains("DISCERNUS_MAX_PDF_PAGES", text.Fix);
    }

    [Fact]
    public void PdfWithinTheLimits_ReadsAsBefore()
    {
        var small = HostileFiles.PdfOfTextLines(40);
        // Each line is 44 bytes of text and two operators: 40 lines cost about 1,845.
        var limits = Defaults with { MaxPdfPageOperations = 1_000 };

        var text = DocumentTextExtractor.Extract("fine.pdf", small, Defaults);
        var refused = DocumentTextExtractor.Extract("fine.pdf", small, limits);

        Assert.True(text.Succeeded, text.Problem);
        Assert.Contains("The quick brown fox jumps over the lazy dog.", text.Text);
        Assert.Equal(FindingCodes.DocumentOverLimit, refused.ProblemCode);
    }

    [Fact]
    public void BrokenPdf_NamesWhatTheReaderFound_NotOnlyTheExceptionType()
    {
        var text = DocumentTextExtractor.Extract("broken.pdf", "%PDF-1.4\nthis is no pdf at all\n"u8.ToArray(), Defaults);

        Assert.Equal(FindingCodes.DocumentCorrupt, text.ProblemCode);
        Assert.Matches(@"the PDF cannot be read: .{10,} \(\w+\)", text.Problem);
        Assert.Contains("save it again as PDF", text.Fix);
    }

    [Fact]
    public void BrokenDocx_NamesWhatTheReaderFound()
    {
        var text = DocumentTextExtractor.Extract("broken.docx", "PK\u0003\u0004 not really a zip"u8.ToArray(), Defaults);

        Assert.Equal(FindingCodes.DocumentCorrupt, text.ProblemCode);
        Assert.Matches(@"the DOCX cannot be read: .{10,} \(\w+\)", text.Problem);
    }
}
