namespace Discernus.Experiments.Pdf;

/// <summary>
/// What reading one PDF may cost, charged while it is read: bytes decoded from its streams (one stream, and all of
/// them), and per page the operators and glyphs its content draws. The first charge past a limit records why and
/// throws; every later decode then fails at once, so a bomb costs at most the limit, whichever code path PdfPig takes.
/// </summary>
internal sealed class PdfBudget(ExperimentLimits limits)
{
    public ExperimentLimits Limits => limits;

    /// <summary>Bytes decoded so far, from every stream (a stream read twice counts twice: it is work done twice).</summary>
    public long DecodedBytes { get; private set; }

    /// <summary>Why the budget ran out (a finding's message), or null while it holds.</summary>
    public string? Exceeded { get; private set; }

    /// <summary>The setting that raises the limit that ran out.</summary>
    public string? Setting { get; private set; }

    public void ThrowIfExceeded()
    {
        if (Exceeded is not null)
        {
            throw new PdfBudgetExceededException(Exceeded);
        }
    }

    /// <summary>Charges one decoded stream of <paramref name="bytes"/> (or at least that many, when counting stopped early).</summary>
    public void ChargeStream(long bytes)
    {
        ThrowIfExceeded();
        if (bytes > limits.MaxPdfStreamBytes)
        {
            Exceed($"one of its streams inflates to more than {limits.MaxPdfStreamBytes:N0} bytes (a compression bomb, or content far beyond any page of text)",
                "DISCERNUS_MAX_PDF_STREAM_BYTES");
        }

        DecodedBytes += bytes;
        if (DecodedBytes > limits.MaxDecompressedBytes)
        {
            Exceed($"its streams inflate to more than {limits.MaxDecompressedBytes:N0} bytes in all (room for ten bytes per character of the text limit)",
                "DISCERNUS_MAX_EXTRACTED_CHARS");
        }
    }

    /// <summary>Charges a page's drawing work, counted before PdfPig builds it.</summary>
    public void ChargePage(int pageNumber, long operations)
    {
        ThrowIfExceeded();
        if (operations > limits.MaxPdfPageOperations)
        {
            Exceed($"page {pageNumber} draws more than {limits.MaxPdfPageOperations:N0} operators and glyphs (a dense page of text has about 10,000)",
                "DISCERNUS_MAX_PDF_PAGE_OPERATIONS");
        }
    }

    private void Exceed(string reason, string setting)
    {
        Exceeded = reason;
        Setting = setting;
        throw new PdfBudgetExceededException(reason);
    }
}
