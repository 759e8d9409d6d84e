using System.Text.Json;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Offline;

public sealed class LexiconChatClientTests
{
    private const string Speech =
        "My friends, we gather in hope. Hope is what carries us forward, and we will overcome\n" +
        "the trials ahead. Some say there is danger at the gates. But I say we have nothing to fear.\n\n" +
        "Together we build a better future, with bright days for our children.";

    private static readonly Framework Framework = ModelsTestData.HopeFearFramework(withMarkerlessDimension: true);

    private static ChatOptions AnalysisOptions(Framework framework, string text) => new()
    {
        AdditionalProperties = new()
        {
            [LexiconInputs.Framework] = framework,
            [LexiconInputs.DocumentText] = text,
        },
    };

    private static async Task<ChatResponse> AnalyseAsync(string text, Framework? framework = null)
    {
        using var client = new LexiconChatClient();
        return await client.GetResponseAsync("analyse", AnalysisOptions(framework ?? Framework, text));
    }

    private static async Task<ValidatedDimension> DimensionAsync(string text, string dimension)
    {
        var response = await AnalyseAsync(text);
        var result = AnalysisAnswerValidator.Validate(response.Text, Framework, allowNotScorable: true);
        Assert.True(result.IsValid, result.ProblemsText);
        return result.Analysis!.Find(dimension)!;
    }

    // 200 words of filler with `hits` of them replaced by the marker word, so length stays fixed.
    private static string TextWithHits(string marker, int hits)
    {
        var words = Enumerable.Range(0, 200).Select(i => i % 10 == 9 ? "filler." : "filler").ToArray();
        for (var i = 0; i < hits; i++)
        {
            words[i * 7] = marker;
        }

        return string.Join(' ', words);
    }

    [Fact]
    public async Task Answer_IsValidAnalysisJson_ForTheFramework()
    {
        var response = await AnalyseAsync(Speech);

        var result = AnalysisAnswerValidator.Validate(response.Text, Framework, allowNotScorable: true);

        Assert.True(result.IsValid, result.ProblemsText);
        Assert.Empty(result.Notes);
        Assert.Equal(["hope", "fear", "dignity"], result.Analysis!.Dimensions.Select(d => d.Name));
        Assert.Equal("lexicon", response.ModelId);
    }

    [Fact]
    public async Task Answer_IsDeterministic()
    {
        var first = await AnalyseAsync(Speech);
        var second = await AnalyseAsync(Speech);

        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task MarkerlessDimension_IsNullWithReason()
    {
        var dignity = await DimensionAsync(Speech, "dignity");

        Assert.Null(dignity.Score);
        Assert.Null(dignity.Salience);
        Assert.Null(dignity.Confidence);
        Assert.Equal("dimension has no markers; the offline lexicon model cannot score it", dignity.NotScorableReason);
    }

    [Fact]
    public async Task MarkerlessDimension_FailsValidation_WhenNotScorableIsNotAllowed()
    {
        var response = await AnalyseAsync(Speech);

        var result = AnalysisAnswerValidator.Validate(response.Text, Framework, allowNotScorable: false);

        Assert.False(result.IsValid);
        Assert.Contains("dimensional_scores.dignity.raw_score is null; give a number between 0 and 1", result.Problems);
    }

    [Fact]
    public async Task Evidence_IsVerbatimSentences_ThatVerify()
    {
        var hope = await DimensionAsync(Speech, "hope");

        Assert.InRange(hope.Evidence.Count, 1, LexiconScorer.MaxEvidence);
        Assert.Equal("My friends, we gather in hope.", hope.Evidence[0]);
        // The second sentence wraps across a line break in the document.
        Assert.Equal("Hope is what carries us forward, and we will overcome the trials ahead.", hope.Evidence[1]);
        Assert.All(hope.Evidence, quote => Assert.True(EvidenceVerifier.IsVerified(quote, Speech), quote));
    }

    [Fact]
    public async Task MultiWordMarker_MatchesAcrossLineBreaks()
    {
        var framework = Framework with
        {
            Dimensions = [new Dimension { Name = "resolve", PositiveMarkers = ["we will overcome"] }],
        };
        using var client = new LexiconChatClient();
        var response = await client.GetResponseAsync("x", AnalysisOptions(framework, "Whatever comes, we will\novercome it."));

        var resolve = AnalysisAnswerValidator.Validate(response.Text, framework, true).Analysis!.Find("resolve")!;

        Assert.True(resolve.Salience > 0);
        Assert.Equal(["Whatever comes, we will overcome it."], resolve.Evidence);
    }

    [Fact]
    public async Task Matching_IsCaseInsensitive_OnWordBoundaries()
    {
        var upper = await DimensionAsync("HOPE and more hope.", "hope");
        // "hopeful" and "hopeless" contain "hope" but are other words.
        var inside = await DimensionAsync("A hopeful and hopeless day.", "hope");

        Assert.True(upper.Salience > 0);
        Assert.Equal(0, inside.Salience);
        Assert.Equal(0, inside.Score);
        Assert.Empty(inside.Evidence);
    }

    [Fact]
    public async Task MarkerInsideLongerCounterMarker_IsCounterEvidence()
    {
        var fear = await DimensionAsync("We have nothing to fear. " + TextWithHits("filler", 0), "fear");

        Assert.Equal(0, fear.Salience);
        Assert.Equal(0, fear.Score);
        Assert.Empty(fear.Evidence);
    }

    [Fact]
    public async Task NineteenMegabyteSingleLineDocument_IsAnalysed_WithEvidenceCutToAWindow()
    {
        // Issue 14: a 19 MB document on one line never finished batch analysis (each marker hit was checked against
        // every hit of the other kind). The time is measured by bench/hostile.sh; here: it finishes, and counts as before.
        var document = Discernus.Tests.Infrastructure.HostileFiles.SingleLineDocument(19_000_000).Replace("wonderful", "hope", StringComparison.Ordinal)
            .Replace("nothing to fear", "hope and fear nothing to fear", StringComparison.Ordinal);

        var hope = await DimensionAsync(document, "hope");
        var fear = await DimensionAsync(document, "fear");

        Assert.Equal(3, hope.Evidence.Count);
        Assert.All(hope.Evidence, quote => Assert.InRange(quote.Length, 1, LexiconScorer.MaxEvidenceLength));
        Assert.True(hope.Salience > 0.9, $"salience {hope.Salience}");
        // "fear" inside "nothing to fear" is still counter-evidence, so fear's only hits are the free-standing ones.
        Assert.True(fear.Score > 0, $"fear {fear.Score}");
    }

    [Fact]
    public async Task MoreMarkerHits_GiveHigherSalienceAndScore()
    {
        double? previousSalience = -1;
        double? previousScore = -1;
        foreach (var hits in new[] { 0, 1, 2, 4, 8, 16 })
        {
            var hope = await DimensionAsync(TextWithHits("hope", hits), "hope");

            Assert.True(hope.Salience > previousSalience, $"{hits} hits: salience {hope.Salience} <= {previousSalience}");
            Assert.True(hope.Score > previousScore, $"{hits} hits: score {hope.Score} <= {previousScore}");
            previousSalience = hope.Salience;
            previousScore = hope.Score;
        }
    }

    [Fact]
    public async Task CounterEvidence_LowersScoreAndConfidence()
    {
        var clean = await DimensionAsync("hope hope hope hope. " + TextWithHits("filler", 0), "hope");
        var contested = await DimensionAsync("hope hope hope hope. hopeless hopeless " + TextWithHits("filler", 0)[..^16], "hope");

        Assert.True(contested.Score < clean.Score);
        Assert.True(contested.Confidence < clean.Confidence);
    }

    [Fact]
    public async Task MoreDistinctMarkers_GiveHigherConfidence()
    {
        var one = await DimensionAsync("hope hope hope. " + TextWithHits("filler", 0), "hope");
        var three = await DimensionAsync("hope, better future, bright days. " + TextWithHits("filler", 0), "hope");

        Assert.True(three.Confidence > one.Confidence);
    }

    [Fact]
    public async Task Numbers_AreInRange_AndRoundedToFourDecimals()
    {
        var response = await AnalyseAsync(Speech);
        using var json = JsonDocument.Parse(response.Text);

        foreach (var dimension in json.RootElement.GetProperty("dimensional_scores").EnumerateObject().Where(d => d.Name != "dignity"))
        {
            foreach (var field in new[] { "raw_score", "salience", "confidence" })
            {
                var value = dimension.Value.GetProperty(field).GetDouble();
                Assert.InRange(value, 0, 1);
                Assert.Equal(Math.Round(value, 4), value);
            }
        }
    }

    [Fact]
    public async Task Usage_CountsTheWordsTheModelRead_TheDocumentOfAnAnalysis_TheMessagesOtherwise()
    {
        using var client = new LexiconChatClient();
        var response = await client.GetResponseAsync("one two three", AnalysisOptions(Framework, Speech));

        Assert.Equal(LexiconScorer.CountWords(Speech), response.Usage?.InputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 3);
        Assert.True(response.Usage?.OutputTokenCount > 0);

        var note = await client.GetResponseAsync("one two three");
        Assert.Equal(3, note.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task RequestWithoutInputs_IsAnsweredWithExplanation()
    {
        using var client = new LexiconChatClient();

        var response = await client.GetResponseAsync("What is the capital of France?");

        Assert.Contains("only answer Discernus analysis requests", response.Text.ReplaceLineEndings(" "));
    }

    [Fact]
    public async Task Metadata_NamesLexicon()
    {
        using IChatClient client = new LexiconChatClient();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("lexicon", metadata?.ProviderName);
        Assert.Equal("lexicon", metadata?.DefaultModelId);
        await Task.CompletedTask;
    }
}
