using System.Text;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;

namespace Discernus.Experiments;

/// <summary>Turns a document's bytes into text: UTF-8 (or BOM-marked UTF-16) plain text and Markdown as they are, PDF and DOCX extracted.</summary>
public static class DocumentTextExtractor
{
    public static readonly IReadOnlySet<string> SupportedExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "txt", "md", "pdf", "docx" };

    public static DocumentText Extract(string fileName, ReadOnlySpan<byte> bytes)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        if (bytes.Length == 0)
        {
            return DocumentText.Fail(FindingCodes.EmptyDocument, "the file is empty (0 bytes)", "remove it from the corpus or add its text");
        }

        var result = extension switch
        {
            "txt" or "md" => DecodePlainText(bytes),
            "pdf" => ExtractPdf(bytes.ToArray()),
            "docx" => ExtractDocx(bytes.ToArray()),
            _ => DocumentText.Fail(FindingCodes.UnsupportedDocument, $"'.{extension}' files are not supported", "convert it to .txt, .md, .pdf or .docx"),
        };

        if (result.Succeeded && string.IsNullOrWhiteSpace(result.Text))
        {
            return DocumentText.Fail(FindingCodes.EmptyDocument,
                result.Extracted ? "no text could be extracted (a scanned PDF or an empty document?)" : "the file contains only white space",
                result.Extracted ? "run OCR on it or supply a .txt version" : "remove it from the corpus or add its text");
        }

        return result;
    }

    private static DocumentText DecodePlainText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            var utf16 = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return DocumentText.Ok(Normalize(utf16.GetString(bytes[2..])), false);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            return DocumentText.Fail(FindingCodes.BinaryDocument, $"the file is binary (NUL byte at offset {nul}), not text",
                "remove it from the corpus or convert it to UTF-8 text");
        }

        try
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            return DocumentText.Ok(Normalize(strict.GetString(bytes)), false);
        }
        catch (DecoderFallbackException ex)
        {
            return DocumentText.Fail(FindingCodes.NotUtf8, $"the file is not valid UTF-8 (invalid byte at offset {ex.Index})",
                "convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt`");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static DocumentText ExtractPdf(byte[] bytes)
    {
        try
        {
            using var pdf = PdfDocument.Open(bytes);
            var text = new StringBuilder();
            foreach (var page in pdf.GetPages())
            {
                text.AppendLine(UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor.ContentOrderTextExtractor.GetText(page));
            }

            return DocumentText.Ok(text.ToString().Trim() + "\n", true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return DocumentText.Fail(FindingCodes.BinaryDocument, $"the PDF cannot be read ({ex.GetType().Name})",
                "check that it opens in a PDF viewer, or supply a .txt version");
        }
    }

    private static DocumentText ExtractDocx(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            var body = document.MainDocumentPart?.Document?.Body;
            if (body is null)
            {
                return DocumentText.Fail(FindingCodes.EmptyDocument, "the DOCX has no body", "supply a .txt version");
            }

            var paragraphs = body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText);
            return DocumentText.Ok(string.Join("\n", paragraphs).Trim() + "\n", true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return DocumentText.Fail(FindingCodes.BinaryDocument, $"the DOCX cannot be read ({ex.GetType().Name})",
                "check that it opens in a word processor, or supply a .txt version");
        }
    }
}
