using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Discernus.Experiments.Pdf;

/// <summary>
/// A PDF's text, page by page, within a <see cref="PdfBudget"/>: every stream PdfPig decodes is measured first
/// (<see cref="BudgetedFilter"/>), every page is counted before PdfPig builds it (<see cref="PdfPageScan"/>), and the text
/// is checked against the character limit after each page. A bomb is refused at whichever limit it reaches first, having
/// cost at most that limit.
/// </summary>
internal static class PdfTextExtractor
{
    public static DocumentText Extract(byte[] bytes, ExperimentLimits limits)
    {
        var budget = new PdfBudget(limits);
        var filters = new BudgetedFilterProvider(budget);
        try
        {
            using var pdf = PdfDocument.Open(bytes, new ParsingOptions { FilterProvider = filters });
            if (pdf.NumberOfPages > limits.MaxPdfPages)
            {
                return OverLimit($"it has {pdf.NumberOfPages:N0} pages, over the limit of {limits.MaxPdfPages:N0}", "DISCERNUS_MAX_PDF_PAGES");
            }

            var scan = new PdfPageScan(pdf.Structure.TokenScanner, filters, budget);
            var pages = scan.Pages(pdf.Structure.Catalog.CatalogDictionary);
            var text = new StringBuilder();
            for (var number = 1; number <= pdf.NumberOfPages; number++)
            {
                if (number <= pages.Count)
                {
                    scan.Charge(number, pages[number - 1].Page, pages[number - 1].Resources);
                }

                var page = pdf.GetPage(number);
                // PdfPig catches some exceptions of its own readers (fonts, annotations) and goes on: the budget remembers.
                budget.ThrowIfExceeded();
                text.AppendLine(ContentOrderTextExtractor.GetText(page));
                if (text.Length > limits.MaxExtractedChars)
                {
                    return DocumentTextExtractor.TextTooLarge(limits.MaxExtractedChars);
                }
            }

            return DocumentText.Ok(text.ToString().Trim() + "\n", true);
        }
        catch (Exception) when (budget.Exceeded is not null)
        {
            return OverLimit(budget.Exceeded, budget.Setting!);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return DocumentTextExtractor.Corrupt("PDF", ex, "open it in a PDF viewer and save it again as PDF (or print it to PDF), or supply a .txt version");
        }
    }

    private static DocumentText OverLimit(string reason, string setting) =>
        DocumentText.Fail(FindingCodes.DocumentOverLimit, $"the PDF is refused before it is read whole: {reason}",
            $"check that the file is what you meant to analyse; extract its text to a .txt file, split it, or raise the limit with {setting}");
}
