using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Discernus.Tests.Experiments;

/// <summary>DOCX files made at run time: real ones through the Open XML SDK, zip bombs by streaming a repeated chunk into the main part.</summary>
internal static class DocxBuilder
{
    private const string ContentTypes =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""";

    private const string PackageRelationships =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""";

    public static byte[] Document(params OpenXmlElement[] bodyContent)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document(new Body(bodyContent));
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A DOCX whose main part repeats <paramref name="chunk"/> <paramref name="repeats"/> times between
    /// <paramref name="prefix"/> and <paramref name="suffix"/>; written piece by piece, so a test never holds the expansion.
    /// </summary>
    public static byte[] Bomb(string prefix, string chunk, int repeats, string suffix)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", ContentTypes);
            Write(zip, "_rels/.rels", PackageRelationships);
            using var part = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            part.Write(Encoding.UTF8.GetBytes(
                """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>""" + prefix));
            var bytes = Encoding.UTF8.GetBytes(chunk);
            for (var i = 0; i < repeats; i++)
            {
                part.Write(bytes);
            }

            part.Write(Encoding.UTF8.GetBytes(suffix + "</w:body></w:document>"));
        }

        return stream.ToArray();
    }

    /// <summary>The reviewer's bomb: one paragraph of 320 MB of text in a file of well under 1 MB.</summary>
    public static byte[] TextBomb(int megabytes) =>
        Bomb("<w:p><w:r><w:t>", new StringBuilder().Insert(0, "wonderful ", 104_858).ToString(), megabytes, "</w:t></w:r></w:p>");

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var entry = zip.CreateEntry(name).Open();
        entry.Write(Encoding.UTF8.GetBytes(text));
    }
}
