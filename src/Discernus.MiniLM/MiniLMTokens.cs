namespace Discernus.MiniLM;

/// <summary>One text tokenised for all-MiniLM-L6-v2: its token ids and token types (segment indices), unpadded.</summary>
internal sealed record MiniLMTokens(long[] Ids, long[] Types)
{
    public int Length => Ids.Length;
}
