using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;

namespace Discernus.Experiments.Pdf;

/// <summary>
/// One of PdfPig's filters behind a budget. The filters that can expand their input (Flate, LZW, run length) are
/// first measured by <see cref="DecodedSize"/>, which counts the output without keeping it, and refused past the
/// limit before PdfPig decodes them into memory; the others (which shrink, or are images never decoded for text) are
/// charged after.
/// </summary>
internal sealed class BudgetedFilter(IFilter inner, PdfBudget budget) : IFilter
{
    public bool IsSupported => inner.IsSupported;

    public Memory<byte> Decode(Memory<byte> input, DictionaryToken streamDictionary, IFilterProvider filterProvider, int filterIndex)
    {
        budget.ThrowIfExceeded();
        var limit = budget.Limits.MaxPdfStreamBytes;
        long? size = inner switch
        {
            FlateFilter => DecodedSize.Inflated(input.Span, limit),
            LzwFilter => DecodedSize.Lzw(input.Span, EarlyChange(streamDictionary, filterIndex), limit),
            RunLengthFilter => DecodedSize.RunLength(input.Span),
            _ => null,
        };
        if (size is { } known)
        {
            budget.ChargeStream(known);
        }

        var output = inner.Decode(input, streamDictionary, filterProvider, filterIndex);
        if (size is null)
        {
            budget.ChargeStream(output.Length);
        }

        return output;
    }

    private static bool EarlyChange(DictionaryToken streamDictionary, int filterIndex)
    {
        var parameters = DecodeParameterResolver.GetFilterParameters(streamDictionary, filterIndex);
        return !parameters.TryGet(NameToken.EarlyChange, out var value) || value is not NumericToken number || number.Int == 1;
    }
}
