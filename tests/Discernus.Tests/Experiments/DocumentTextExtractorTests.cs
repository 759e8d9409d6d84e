using System.Text;
using Discernus.Experiments;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Vml = DocumentFormat.OpenXml.Vml;

namespace Discernus.Tests.Experiments;

/// <summary>PDF and DOCX text extraction: the same text as before for real documents, and bounded for bombs.</summary>
public sealed class DocumentTextExtractorTests
{
    private static readonly ExperimentLimits Defaults = new();

    [Fact]
    public void Docx_StreamedText_IsWhatTheDocumentTreeGives()
    {
        // Text boxes hold paragraphs inside paragraphs, tracked deletions keep their text, tables hold paragraphs in cells.
        var bytes = DocxBuilder.Document(
            new Paragraph(new Run(new Text("First paragraph, "), new Text("two runs."))),
            new Paragraph(),
            new Paragraph(new Run(new Text(" spaced ") { Space = SpaceProcessingModeValues.Preserve }, new TabChar(), new Break(), new Text("after a tab"))),
            new Table(new TableRow(new TableCell(new Paragraph(new Run(new Text("cell one")))), new TableCell(new Paragraph(new Run(new Text("cell two")))))),
            new Paragraph(
                new Run(new Text("outer ")),
                new Run(new Picture(new Vml.Shape(new Vml.TextBox(new TextBoxContent(new Paragraph(new Run(new Text("inside a text box")))))))),
                new Run(new Text(" outer again"))),
            new Paragraph(new DeletedRun(new Run(new DeletedText("deleted words"))), new Run(new FieldCode(" PAGE ")), new Run(new Text("Ünïcödé ✓"))));

        var text = DocumentTextExtractor.Extract("d.docx", bytes, Defaults);

        Assert.True(text.Succeeded, text.Problem);
        Assert.Equal(TreeText(bytes), text.Text);
        Assert.Contains("inside a text box", text.Text);
        Assert.True(text.Extracted);
    }

    [Fact]
    public void Docx_ZipBomb_IsRefused_WithoutHoldingItsText()
    {
        // 320 MB of text in a file of well under 1 MB, as measured in the review.
        var bomb = DocxBuilder.TextBomb(megabytes: 320);
        Assert.True(bomb.Length < 1_000_000, $"the bomb is {bomb.Length:N0} bytes");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var text = DocumentTextExtractor.Extract("bomb.docx", bomb, Defaults);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.False(text.Succeeded);
        Assert.Equal(FindingCodes.ExtractedTextTooLarge, text.ProblemCode);
        Assert.Contains("unzips to more than 200,000,000 bytes", text.Problem);
        Assert.Contains("DISCERNUS_MAX_EXTRACTED_CHARS", text.Fix);
        Assert.True(allocated < 16_000_000, $"extraction allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Docx_MoreTextThanTheLimit_IsRefused_EvenWhenItUnzipsWithinBounds()
    {
        var limits = new ExperimentLimits { MaxExtractedChars = 1_000_000 };
        // 2 MB of text unzips to less than the 10 MB allowed for 1,000,000 characters, but is twice the text limit.
        var bytes = DocxBuilder.TextBomb(megabytes: 2);

        var text = DocumentTextExtractor.Extract("long.docx", bytes, limits);

        Assert.Equal(FindingCodes.ExtractedTextTooLarge, text.ProblemCode);
        Assert.Contains("longer than 1,000,000 characters", text.Problem);
    }

    [Fact]
    public void Docx_MarkupBomb_IsRefused_ByTheUnzippedSize()
    {
        var limits = new ExperimentLimits { MaxExtractedChars = 100_000 };
        // Empty paragraphs: no text at all, 12 MB of markup.
        var bytes = DocxBuilder.Bomb(string.Empty, new StringBuilder().Insert(0, "<w:p/>", 1000).ToString(), 2000, string.Empty);

        var text = DocumentTextExtractor.Extract("empty.docx", bytes, limits);

        Assert.Equal(FindingCodes.ExtractedTextTooLarge, text.ProblemCode);
        Assert.Contains("unzips to more than 1,000,000 bytes", text.Problem);
    }

    [Fact]
    public void Docx_FloodOfEmptyParagraphs_WithinTheUnzippedSize_CountsAgainstTheTextLimit()
    {
        var limits = new ExperimentLimits { MaxExtractedChars = 100_000 };
        // 150,000 empty paragraphs: 900 kB of markup (under the 1 MB allowed) that would become 150,000 line breaks.
        var bytes = DocxBuilder.Bomb(string.Empty, "<w:p/>", 150_000, string.Empty);

        var text = DocumentTextExtractor.Extract("breaks.docx", bytes, limits);

        Assert.Equal(FindingCodes.ExtractedTextTooLarge, text.ProblemCode);
        Assert.Contains("longer than 100,000 characters", text.Problem);
    }

    [Fact]
    public void Docx_WithoutABody_IsEmptyDocument()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document();
        }

        var text = DocumentTextExtractor.Extract("nobody.docx", stream.ToArray(), Defaults);

        Assert.Equal(FindingCodes.EmptyDocument, text.ProblemCode);
        Assert.Contains("no body", text.Problem);
    }

    [Fact]
    public void Pdf_MoreTextThanTheLimit_IsRefused()
    {
        var line = "The reading room is wonderful and the staff are helpful. ";
        var pdf = Pdf(pages: 4, linesPerPage: 10, line);
        var limits = new ExperimentLimits { MaxExtractedChars = line.Length * 15 };

        var refused = DocumentTextExtractor.Extract("long.pdf", pdf, limits);
        var accepted = DocumentTextExtractor.Extract("long.pdf", pdf, Defaults);

        Assert.Equal(FindingCodes.ExtractedTextTooLarge, refused.ProblemCode);
        Assert.Contains($"longer than {limits.MaxExtractedChars:N0} characters", refused.Problem);
        Assert.True(accepted.Succeeded, accepted.Problem);
        Assert.Contains("reading room is wonderful", accepted.Text);
    }

    [Fact]
    public void ExtractedCharsLimit_IsReadFromTheEnvironment()
    {
        var limits = ExperimentLimits.FromEnvironment(new Dictionary<string, string?> { ["DISCERNUS_MAX_EXTRACTED_CHARS"] = "5000" });

        Assert.Equal(5000, limits.MaxExtractedChars);
        Assert.Equal(50_000, limits.MaxDecompressedBytes);
        Assert.Equal(20_000_000, new ExperimentLimits().MaxExtractedChars);
    }

    /// <summary>How the text was taken before streaming: every body paragraph's InnerText, from the loaded tree.</summary>
    private static string TreeText(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var document = WordprocessingDocument.Open(stream, false);
        var paragraphs = document.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText);
        return string.Join("\n", paragraphs).Trim() + "\n";
    }

    internal static byte[] Pdf(int pages, int linesPerPage, string line)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var p = 0; p < pages; p++)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            for (var l = 0; l < linesPerPage; l++)
            {
                page.AddText(line, 10, new PdfPoint(25, 780 - (l * 14)), font);
            }
        }

        return builder.Build();
    }
}
