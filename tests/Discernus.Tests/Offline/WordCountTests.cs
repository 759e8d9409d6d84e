using System.Text;
using System.Text.RegularExpressions;
using Discernus.Offline.Lexicon;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Offline;

/// <summary>
/// <see cref="LexiconScorer.CountWords"/> is a plain scan that replaced a regex (the lexicon's word count W and every
/// offline model's token usage read it); it must count exactly what that regex matched.
/// </summary>
public sealed class WordCountTests
{
    private static readonly Regex Reference = new(@"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*", RegexOptions.CultureInvariant);

    private static readonly string[] Pieces =
        ["we", "don", "t", "42", "σοφία", "İstanbul", "ſtop", "日本語", "٣", "Ⅻ", "½", "ʰ", "ǅ", "x_y", "é", "e\u0301", "\U0001D400", "\U0001F600",
         "'", "’", "''", "‘", "`", " ", "  ", "\n", "\t", "\u00A0", "\u2028", "-", "—", ".", ",", "\"", "", "\uD800", "\uDC00", "\0"];

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 0)]
    [InlineData("don't stop", 2)]
    [InlineData("don’t", 1)]
    [InlineData("a''b", 2)]
    [InlineData("'a' b'", 2)]
    [InlineData("rock'n'roll 1,000", 3)]
    [InlineData("x_y", 2)]
    public void Counts_words_joined_by_one_apostrophe(string text, int expected)
    {
        Assert.Equal(expected, LexiconScorer.CountWords(text));
        Assert.Equal(Reference.Count(text), LexiconScorer.CountWords(text));
    }

    [Fact]
    public void Every_UTF16_code_unit_is_a_word_character_exactly_when_the_regex_says_so()
    {
        for (var c = 0; c <= char.MaxValue; c++)
        {
            // Alone, and on both sides of an apostrophe: the second tells whether it may continue a word.
            foreach (var text in new[] { ((char)c).ToString(), $"a'{(char)c}", $"{(char)c}’{(char)c}" })
            {
                var expected = Reference.Count(text);
                if (LexiconScorer.CountWords(text) != expected)
                {
                    Assert.Fail($"U+{c:X4} in \"{text}\": the regex counts {expected}, the scan {LexiconScorer.CountWords(text)}");
                }
            }
        }
    }

    [Fact]
    public void Generated_texts_count_as_the_regex_counts()
    {
        var random = new Random(17);
        var total = 0;
        for (var n = 0; n < 5_000; n++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, 40);
            for (var i = 0; i < length; i++)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var expected = Reference.Count(text.ToString());
            total += expected;
            Assert.True(expected == LexiconScorer.CountWords(text.ToString()), $"\"{text}\": the regex counts {expected}");
        }

        // The texts are not all empty: the comparison covered many words.
        Assert.True(total > 20_000, $"only {total} words were compared");
    }

    [Fact]
    public void Texts_longer_than_a_block_count_as_the_regex_counts_wherever_a_word_or_apostrophe_meets_a_block_edge()
    {
        // Sixteen characters are classified at a time, with vector instructions when all are ASCII: runs that cross the
        // edges of those blocks, apostrophes on them and a non-ASCII character in some blocks only.
        const string alphabet = "ab9 '.-_\n";
        var random = new Random(29);
        for (var n = 0; n < 20_000; n++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, 120);
            for (var i = 0; i < length; i++)
            {
                text.Append(random.Next(40) switch
                {
                    0 => '’',
                    1 => 'é',
                    2 => '\u00A0',
                    _ => alphabet[random.Next(alphabet.Length)],
                });
            }

            var value = text.ToString();
            Assert.True(Reference.Count(value) == LexiconScorer.CountWords(value), $"\"{value}\": the regex counts {Reference.Count(value)}");
        }
    }

    [Fact]
    public void Every_UTF16_code_unit_at_a_block_edge_counts_as_the_regex_counts()
    {
        for (var c = 0; c <= char.MaxValue; c++)
        {
            foreach (var offset in new[] { 14, 15, 16, 17, 31 })
            {
                var text = new string('a', offset - 1) + "'" + (char)c + "'b " + new string('x', 20);
                var expected = Reference.Count(text);
                if (LexiconScorer.CountWords(text) != expected)
                {
                    Assert.Fail($"U+{c:X4} at {offset}: the regex counts {expected}, the scan {LexiconScorer.CountWords(text)}");
                }
            }
        }
    }

    [Fact]
    public void A_framework_sized_prompt_counts_as_the_regex_counts()
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Project("political_rhetoric"), "framework.md"));
        Assert.Equal(Reference.Count(text), LexiconScorer.CountWords(text));
    }
}
