using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig;

namespace Discernus.Experiments;

/// <summary>Turns a document's bytes into text: UTF-8 (or BOM-marked UTF-16) plain text and Markdown as they are, PDF and DOCX extracted.</summary>
public static class DocumentTextExtractor
{
    public static readonly IReadOnlySet<string> SupportedExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "txt", "md", "pdf", "docx" };

    public static DocumentText Extract(string fileName, ReadOnlySpan<byte> bytes, ExperimentLimits limits)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        if (bytes.Length == 0)
        {
            return DocumentText.Fail(FindingCodes.EmptyDocument, "the file is empty (0 bytes)", "remove it from the corpus or add its text");
        }

        var result = extension switch
        {
            "txt" or "md" => DecodePlainText(bytes),
            "pdf" => Pdf.PdfTextExtractor.Extract(bytes.ToArray(), limits),
            "docx" => ExtractDocx(bytes.ToArray(), limits),
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
        // UTF-32's byte-order marks begin like UTF-16's (FF FE 00 00): read as UTF-16 the text would be NUL-interleaved.
        if (bytes.Length >= 4 && ((bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0) || (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)))
        {
            return DocumentText.Fail(FindingCodes.UnsupportedEncoding, "the file is UTF-32 text (it starts with a UTF-32 byte-order mark); documents are read as UTF-8 or UTF-16",
                "convert it to UTF-8, e.g. `iconv -f UTF-32 -t UTF-8 in.txt > out.txt`");
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            var utf16 = bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            var decoded = utf16.GetString(bytes[2..]);
            var nulChar = decoded.IndexOf('\0', StringComparison.Ordinal);
            if (nulChar >= 0)
            {
                // The same rule as for UTF-8: a NUL is not text.
                return DocumentText.Fail(FindingCodes.BinaryDocument, $"the file is binary (a NUL character at character {nulChar:N0} of its UTF-16 text), not text",
                    "remove it from the corpus or convert it to UTF-8 text");
            }

            return DocumentText.Ok(Normalize(decoded), false);
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

    internal static DocumentText TextTooLarge(long maxChars) =>
        DocumentText.Fail(FindingCodes.ExtractedTextTooLarge,
            $"the text extracted from it is longer than {maxChars:N0} characters (a compressed or generated file can hold far more text than its size suggests)",
            "check that the file is what you meant to analyse; split it into smaller documents, or raise the limit with DISCERNUS_MAX_EXTRACTED_CHARS");

    private static DocumentText ExtractDocx(byte[] bytes, ExperimentLimits limits)
    {
        try
        {
            if (UnzipsPast(bytes, limits.MaxDecompressedBytes))
            {
                return DocumentText.Fail(FindingCodes.ExtractedTextTooLarge,
                    $"the DOCX unzips to more than {limits.MaxDecompressedBytes:N0} bytes (a zip bomb, or a document far beyond the text limit of {limits.MaxExtractedChars:N0} characters)",
                    "check that the file is what you meant to analyse; split it into smaller documents, or raise the limit with DISCERNUS_MAX_EXTRACTED_CHARS (a DOCX may unzip to ten bytes per character)");
            }

            using var stream = new MemoryStream(bytes, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            if (document.MainDocumentPart is not { } main)
            {
                return DocumentText.Fail(FindingCodes.EmptyDocument, "the DOCX has no body", "supply a .txt version");
            }

            var paragraphs = ParagraphTexts(main, limits.MaxExtractedChars, out var sawBody);
            if (paragraphs is null)
            {
                return TextTooLarge(limits.MaxExtractedChars);
            }

            return sawBody
                ? DocumentText.Ok(string.Join("\n", paragraphs).Trim() + "\n", true)
                : DocumentText.Fail(FindingCodes.EmptyDocument, "the DOCX has no body", "supply a .txt version");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Corrupt("DOCX", ex, "open it in a word processor and save it again as .docx, or supply a .txt version");
        }
    }

    /// <summary>
    /// A file the library could not read: the finding says what it reported (made printable and short: it may quote
    /// the file's bytes) and of which kind, so "a broken zip" and "a missing page tree" read differently.
    /// </summary>
    internal static DocumentText Corrupt(string kind, Exception exception, string fix)
    {
        var reason = SafePaths.Printable(exception.Message.ReplaceLineEndings(" ").Trim());
        if (reason.Length > 200)
        {
            reason = reason[..200] + "…";
        }

        return DocumentText.Fail(FindingCodes.DocumentCorrupt,
            $"the {kind} cannot be read: {(reason.Length == 0 ? "no reason given" : reason)} ({exception.GetType().Name})", fix);
    }

    /// <summary>
    /// Unzips every part into a small reused buffer, counting: a zip's stated sizes can lie, so only reading tells how
    /// much a part holds, and nothing is kept.
    /// </summary>
    private static bool UnzipsPast(byte[] bytes, long maxBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        var buffer = new byte[81_920];
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            using var part = entry.Open();
            int read;
            while ((read = part.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The text of every paragraph in the body, in document order, streamed from the part so that no tree of the whole
    /// document is built. Same result as joining <c>Body.Descendants&lt;Paragraph&gt;()</c>'s <c>InnerText</c>: a
    /// paragraph's text includes that of paragraphs nested in it (text boxes), which also count on their own.
    /// Null when the text passes <paramref name="maxChars"/>.
    /// </summary>
    private static List<string>? ParagraphTexts(MainDocumentPart main, long maxChars, out bool sawBody)
    {
        sawBody = false;
        var texts = new List<string>();
        var open = new Stack<(int Slot, StringBuilder Text)>();
        long total = 0;
        var inBody = false;
        using var reader = OpenXmlReader.Create(main);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(Body))
            {
                inBody = reader.IsStartElement;
                sawBody = true;
            }
            else if (!inBody)
            {
                continue;
            }
            else if (reader.ElementType == typeof(Paragraph))
            {
                if (reader.IsStartElement)
                {
                    // Each paragraph adds a line break to the text, so a flood of empty paragraphs counts too.
                    if (++total > maxChars)
                    {
                        return null;
                    }

                    texts.Add(string.Empty);
                    open.Push((texts.Count - 1, new StringBuilder()));
                }

                if (reader.IsEndElement && open.Count > 0)
                {
                    var (slot, text) = open.Pop();
                    texts[slot] = text.ToString();
                }
            }
            else if (reader.IsStartElement && open.Count > 0 && typeof(OpenXmlLeafTextElement).IsAssignableFrom(reader.ElementType))
            {
                var text = reader.GetText();
                total += (long)text.Length * open.Count;
                if (total > maxChars)
                {
                    return null;
                }

                foreach (var (_, paragraph) in open)
                {
                    paragraph.Append(text);
                }
            }
        }

        return texts;
    }
}
