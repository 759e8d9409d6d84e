using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Discernus.Tests.Infrastructure;

/// <summary>
/// Hostile inputs made on the spot, never committed as binaries: the PDF bombs and oversized documents of issue 14.
/// Also compiled into bench/Discernus.Bench, which measures what the tests only assert to be bounded.
/// </summary>
internal static class HostileFiles
{
    /// <summary>
    /// One page whose Flate content stream shows <paramref name="lines"/> lines of text, each its own <c>Tj</c>:
    /// 600,000 lines make the 147 KB PDF that took `validate` 79 s and 13.6 GB.
    /// </summary>
    public static byte[] PdfOfTextLines(int lines) => Pdf(content =>
    {
        var line = Encoding.ASCII.GetBytes("(The quick brown fox jumps over the lazy dog.) Tj T*\n");
        content.Write(Encoding.ASCII.GetBytes("BT /F1 10 Tf 12 TL 72 720 Td\n"));
        for (var i = 0; i < lines; i++)
        {
            content.Write(line);
        }

        content.Write(Encoding.ASCII.GetBytes("ET\n"));
    });

    /// <summary>
    /// One page whose content stream inflates to <paramref name="bytes"/> spaces around one line of text: 1 GiB gives
    /// the 1 MB PDF that `validate` accepted at 2.7 GB.
    /// </summary>
    public static byte[] PdfInflatingTo(long bytes) => Pdf(content =>
    {
        content.Write(Encoding.ASCII.GetBytes("BT /F1 10 Tf 72 720 Td (A page of air.) Tj ET\n"));
        var spaces = new byte[1 << 20];
        Array.Fill(spaces, (byte)' ');
        for (var written = 0L; written < bytes; written += spaces.Length)
        {
            content.Write(spaces, 0, (int)Math.Min(spaces.Length, bytes - written));
        }
    });

    /// <summary>A one-page PDF (catalog, page tree, Helvetica) whose content stream <paramref name="writeContent"/> writes, Flate-compressed.</summary>
    public static byte[] Pdf(Action<Stream> writeContent)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            writeContent(zlib);
        }

        var stream = compressed.ToArray();
        using var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.ASCII.GetBytes(text));
        void Object(string body)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        Write("%PDF-1.4\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
        offsets.Add(pdf.Position);
        Write($"4 0 obj\n<< /Length {stream.Length.ToString(CultureInfo.InvariantCulture)} /Filter /FlateDecode >>\nstream\n");
        pdf.Write(stream);
        Write("\nendstream\nendobj\n");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        var xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write($"{offset.ToString("D10", CultureInfo.InvariantCulture)} 00000 n \n");
        }

        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref.ToString(CultureInfo.InvariantCulture)}\n%%EOF\n");
        return pdf.ToArray();
    }

    /// <summary>
    /// About <paramref name="bytes"/> bytes of prose on one line (no line break at all), with the markers of the nano
    /// framework's dimensions on every sentence: the 19 MB single-line document that never finished batch analysis.
    /// </summary>
    public static string SingleLineDocument(int bytes)
    {
        const string sentence = "The staff were wonderful and helpful, but the food was terrible and the room awful; nothing to fear. ";
        var builder = new StringBuilder(bytes + sentence.Length);
        while (builder.Length < bytes)
        {
            builder.Append(sentence);
        }

        return builder.ToString();
    }
}
