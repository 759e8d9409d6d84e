using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// Counts what <c>[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*</c> matches, without the regex: offline models count the words
/// of every prompt they are given (their token usage), 25 KB and more a document, and the regex was a quarter of a
/// lexicon run's CPU.
/// <para>A match is a run of word characters (L, N) and of apostrophes that have a word character on both sides, so
/// the count is the number of places where such a run starts. Sixteen characters are classified at a time: with
/// vector instructions when they are all ASCII, one by one otherwise, by the table the regex engine reads.</para>
/// </summary>
internal static class WordCounter
{
    private const int Block = 16;

    public static int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        var count = 0;
        // The raw class and the joined class of the character before the block.
        var (previousWord, previousJoined) = (0u, 0u);
        for (var start = 0; start < span.Length; start += Block)
        {
            var length = Math.Min(Block, span.Length - start);
            var (word, apostrophe) = Classify(span.Slice(start, length));
            var last = length - 1;
            var nextWord = start + length < span.Length && IsWordCharacter(span[start + length]) ? 1u : 0u;
            var wordBefore = (word << 1) | previousWord;
            var wordAfter = (word >> 1) | (nextWord << last);
            var joined = word | (apostrophe & wordBefore & wordAfter);
            var starts = joined & ~((joined << 1) | previousJoined);
            count += BitOperations.PopCount(starts & ((1u << length) - 1));
            previousWord = (word >> last) & 1;
            previousJoined = (joined >> last) & 1;
        }

        return count;
    }

    /// <summary>Bit i set: character i is a word character; an apostrophe (' or ’).</summary>
    private static (uint Word, uint Apostrophe) Classify(ReadOnlySpan<char> chars)
    {
        if (chars.Length == Block && Vector256.IsHardwareAccelerated)
        {
            var units = Vector256.Create(System.Runtime.InteropServices.MemoryMarshal.Cast<char, ushort>(chars));
            if ((units & Vector256.Create((ushort)0xFF80)) == Vector256<ushort>.Zero)
            {
                // ASCII: a letter is 'a'–'z' once 0x20 is set, a digit '0'–'9'; unsigned differences wrap below the range.
                var letter = Vector256.LessThanOrEqual((units | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)25));
                var digit = Vector256.LessThanOrEqual(units - Vector256.Create((ushort)'0'), Vector256.Create((ushort)9));
                var apostrophe = Vector256.Equals(units, Vector256.Create((ushort)'\''));
                return ((letter | digit).ExtractMostSignificantBits(), apostrophe.ExtractMostSignificantBits());
            }
        }

        var (word, apostrophes) = (0u, 0u);
        for (var i = 0; i < chars.Length; i++)
        {
            if (IsWordCharacter(chars[i]))
            {
                word |= 1u << i;
            }
            else if (chars[i] is '\'' or '’')
            {
                apostrophes |= 1u << i;
            }
        }

        return (word, apostrophes);
    }

    // \p{L} or \p{N}, by the same table the regex engine reads (CharUnicodeInfo), one UTF-16 unit at a time as it does.
    private static bool IsWordCharacter(char c)
    {
        if (char.IsAscii(c))
        {
            return char.IsAsciiLetterOrDigit(c);
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
            _ => false,
        };
    }
}
