using System.Text;
using System.Text.RegularExpressions;
using Discernus.Experiments;
using Discernus.Offline.Lexicon;

namespace Discernus.Tests.Offline;

/// <summary>
/// The lexicon finds all of a framework's markers in one scan (<see cref="MarkerSet"/>); its matches must be exactly
/// those of scanning the document with each marker's regex in turn, which is what it replaced.
/// </summary>
public sealed class MarkerSetTests
{
    private static readonly Dimension[] Dimensions =
    [
        new()
        {
            Name = "resolve",
            PositiveMarkers = ["we will", "overcome", "don't give up", "fear", "FEAR", "ha ha", "a", "people", "the people"],
            NegativeMarkers = ["nothing to fear", "give up", "don’t give up", "people's will"],
        },
        new()
        {
            Name = "odd",
            PositiveMarkers = ["anti-elite", "U.S.", "kelvin", "straße", "İstanbul", "self–made man", "\"quoted\"", "σοφία", "x_y", "42"],
            NegativeMarkers = ["rock—n—roll", "ſtop", "i"],
        },
        new() { Name = "markerless", NegativeMarkers = ["fear"] },
    ];

    private static readonly string[] Words =
        ["we", "will", "overcome", "don't", "give", "up", "fear", "nothing", "to", "ha", "a", "people", "the", "people's",
         "anti", "elite", "U.S", "kelvin", "straße", "STRASSE", "istanbul", "İstanbul", "self", "made", "man", "quoted", "σοφία",
         "ΣΟΦΊΑ", "σοφιας", "x_y", "x", "y", "42", "rock", "n", "roll", "stop", "ſtop", "i", "ı", "I", "filler", "unfear", "fearful"];

    private static readonly string[] Separators =
        [" ", " ", " ", "  ", "\n", "\t", "\u00A0", "\u2028", " \r\n ", "", ",", ". ", "_", "'", "’", "-", "–", "—", "―", "9", "\"", "é"];

    /// <summary>Every marker's matches, as a scan with its own regex finds them (the implementation before the automaton).</summary>
    private static List<List<(int Index, int Length)>> ReferenceMatches(string text)
    {
        var result = new List<List<(int, int)>>();
        foreach (var dimension in Dimensions)
        {
            foreach (var markers in new[] { dimension.PositiveMarkers, dimension.NegativeMarkers })
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var marker in markers)
                {
                    var words = LexiconScorer.MarkerWords(marker);
                    if (words.Count == 0 || !seen.Add(string.Join(' ', words)))
                    {
                        continue;
                    }

                    var regex = new Regex(LexiconScorer.MarkerPattern(words), MarkerPatternCache.Options);
                    result.Add([.. regex.Matches(text).Select(m => (m.Index, m.Length))]);
                }
            }
        }

        return result;
    }

    private static string Vary(string word, Random random)
    {
        var builder = new StringBuilder();
        foreach (var c in word)
        {
            builder.Append(random.Next(6) switch
            {
                0 => char.ToUpperInvariant(c),
                1 when c == 'k' => '\u212A',
                1 when c == 's' => 'ſ',
                1 when c == '\'' => '‘',
                2 when c == '\'' => 'ʼ',
                1 when c == 'σ' => 'ς',
                _ => c,
            });
        }

        return builder.ToString();
    }

    [Fact]
    public void Matches_AreExactlyThoseOfEachMarkersOwnRegex_OnThousandsOfHostileTexts()
    {
        var random = new Random(20261207);
        var markers = new MarkerPatternCache().For(Dimensions);
        var compared = 0;
        for (var round = 0; round < 3000; round++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 60);
            for (var i = 0; i < length; i++)
            {
                text.Append(Vary(Words[random.Next(Words.Length)], random)).Append(Separators[random.Next(Separators.Length)]);
            }

            var document = text.ToString();
            var expected = ReferenceMatches(document);
            var found = markers.Find(document);

            Assert.Equal(expected.Count, found.Length);
            for (var m = 0; m < expected.Count; m++)
            {
                Assert.True(expected[m].SequenceEqual(found[m] ?? []), $"marker {m} in \"{document}\": expected [{string.Join(", ", expected[m])}], found [{string.Join(", ", found[m] ?? [])}]");
                compared += expected[m].Count;
            }
        }

        // The texts are made to hit: thousands of matches were compared, not only absences.
        Assert.True(compared > 5000, $"only {compared} matches compared");
    }

    [Fact]
    public void Fold_JoinsEveryPairOfCharactersTheRegexEngineMatchesIgnoringCase()
    {
        // One string of every UTF-16 code unit but the surrogates; for each, the characters its case-insensitive regex
        // matches must fold alike, or the scan would miss a match the regex makes.
        var all = new string([.. Enumerable.Range(0, 0x10000).Where(c => c is < 0xD800 or > 0xDFFF).Select(c => (char)c)]);
        var problems = new List<string>();
        foreach (var c in all)
        {
            foreach (Match match in Regex.Matches(all, Regex.Escape(c.ToString()), MarkerPatternCache.Options))
            {
                var d = match.Value[0];
                if (MarkerAutomaton.Fold(c) != MarkerAutomaton.Fold(d))
                {
                    problems.Add($"U+{(int)c:X4} matches U+{(int)d:X4}");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void WhiteSpace_IsWhatTheRegexCallsWhiteSpace()
    {
        var space = new Regex(@"^\s$");
        var differ = Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => space.IsMatch(c.ToString()) != char.IsWhiteSpace(c)).ToList();

        Assert.Empty(differ);
    }

    [Fact]
    public void ABoundaryBeforeTheCandidate_IsReadFromTheWholeText()
    {
        var markers = new MarkerPatternCache().For([new Dimension { Name = "fear", PositiveMarkers = ["fear"] }]);

        var found = markers.Find("unfear fear_ fear! (FEAR) fearful");

        Assert.Equal([(13, 4), (20, 4)], Assert.Single(found)!);
    }

    [Fact]
    public void AMarkerThatOverlapsItself_CountsOnlyOccurrencesAfterItsLastOne_AsARegexScanDoes()
    {
        var markers = new MarkerPatternCache().For([new Dimension { Name = "laughter", PositiveMarkers = ["ha ha"] }]);

        var found = markers.Find("ha ha ha  ha");

        Assert.Equal([(0, 5), (6, 6)], Assert.Single(found)!);
        Assert.Equal(found[0], ReferenceFor("ha ha", "ha ha ha  ha"));
    }

    private static List<(int Index, int Length)> ReferenceFor(string marker, string text) =>
        [.. new Regex(LexiconScorer.MarkerPattern(LexiconScorer.MarkerWords(marker)), MarkerPatternCache.Options).Matches(text).Select(m => (m.Index, m.Length))];

    [Fact]
    public void AFramework_IsBuiltOnce_PerListOfDimensions()
    {
        var cache = new MarkerPatternCache();

        Assert.Same(cache.For(Dimensions), cache.For(Dimensions));
        Assert.NotSame(cache.For(Dimensions), cache.For([.. Dimensions]));
    }

    [Fact]
    public void Scores_OfEachDimensionAlone_AreThoseOfTheWholeFramework()
    {
        const string text = "We will overcome. We  will\nnot give up, for we have nothing to fear but fear itself. Don’t give up! Overcome it; we WILL. The people's will, the people.";
        var document = LexiconScorer.Prepare(text);

        var together = LexiconScorer.ScoreAll(Dimensions, document, "none", new MarkerPatternCache());
        var alone = Dimensions.Select(d => LexiconScorer.Score(d, document, "none")).ToList();

        Assert.True(together[0].PositiveHits > 0 && together[0].NegativeHits > 0);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(alone), System.Text.Json.JsonSerializer.Serialize(together));
    }
}
