using System.Globalization;
using Discernus.Experiments;
using Discernus.MiniLM;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Statistics;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.MiniLM;

[Collection(MiniLMModelCollection.Name)]
public sealed class MiniLMChatClientTests(MiniLMModelFixture model)
{
    private const string Speech =
        "My friends, we gather tonight in hope. Whatever the trials ahead, we will overcome them together.\n" +
        "Our children will see brighter days than we have seen. Some warn of danger at the gates and enemies all around us.\n\n" +
        "But I say we have nothing to fear, because every person among us deserves respect and a fair hearing.";

    private MiniLMChatClient NewClient() => new(model.Encoder, MiniLMTexts.Load());

    private static ChatOptions AnalysisOptions(Framework framework, string text) => new()
    {
        AdditionalProperties = new()
        {
            [LexiconInputs.Framework] = framework,
            [LexiconInputs.DocumentText] = text,
        },
    };

    private async Task<ValidatedAnalysis> AnalyseAsync(Framework framework, string text)
    {
        using var client = NewClient();
        var response = await client.GetResponseAsync("analyse", AnalysisOptions(framework, text));
        var result = AnalysisAnswerValidator.Validate(response.Text, framework, allowNotScorable: false);
        Assert.True(result.IsValid, result.ProblemsText + "\n" + response.Text);
        return result.Analysis!;
    }

    [Fact]
    public async Task Answer_IsValidAnalysisJson_ScoringEveryDimension_EvenWithoutMarkers()
    {
        var framework = MiniLMTestData.CivicGrievanceFramework();
        Assert.All(framework.Dimensions, d => Assert.False(d.HasMarkers));

        var analysis = await AnalyseAsync(framework, MiniLMTestData.TwoGroupCorpus()[0].Text);

        Assert.Equal(["civic_duty", "economic_grievance"], analysis.Dimensions.Select(d => d.Name));
        Assert.All(analysis.Dimensions, d =>
        {
            Assert.NotNull(d.Score);
            Assert.NotNull(d.Salience);
            Assert.NotNull(d.Confidence);
            Assert.Null(d.NotScorableReason);
        });
    }

    [Fact]
    public async Task TwoGroupCorpus_GroupsDifferInTheRightDirection_ByAClearMargin()
    {
        var framework = MiniLMTestData.CivicGrievanceFramework();
        var scores = new List<(string Group, double Civic, double Grievance)>();
        foreach (var (_, group, text) in MiniLMTestData.TwoGroupCorpus())
        {
            var analysis = await AnalyseAsync(framework, text);
            scores.Add((group, analysis.Find("civic_duty")!.Score!.Value, analysis.Find("economic_grievance")!.Score!.Value));
        }

        var civic = scores.Where(s => s.Group == "civic").ToList();
        var grievance = scores.Where(s => s.Group == "grievance").ToList();
        var table = string.Join("\n", scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Group}: civic_duty {s.Civic:F3}, economic_grievance {s.Grievance:F3}")));

        Assert.True(civic.Average(s => s.Civic) - grievance.Average(s => s.Civic) >= 0.3, table);
        Assert.True(grievance.Average(s => s.Grievance) - civic.Average(s => s.Grievance) >= 0.3, table);
        // Not only the means: every document of a group is above every document of the other on its own dimension.
        Assert.True(civic.Min(s => s.Civic) > grievance.Max(s => s.Civic), table);
        Assert.True(grievance.Min(s => s.Grievance) > civic.Max(s => s.Grievance), table);
    }

    [Fact]
    public async Task EveryEvidenceQuote_VerifiesInItsDocument()
    {
        var framework = MiniLMTestData.CivicGrievanceFramework();
        var quotes = 0;
        foreach (var (_, _, text) in MiniLMTestData.TwoGroupCorpus())
        {
            var analysis = await AnalyseAsync(framework, text);
            foreach (var quote in analysis.Dimensions.SelectMany(d => d.Evidence))
            {
                quotes++;
                Assert.True(EvidenceVerifier.IsVerified(quote, text), quote);
            }
        }

        Assert.True(quotes >= 8, $"only {quotes} quotes");
    }

    [Fact]
    public async Task Answer_IsDeterministic_AcrossClients()
    {
        var framework = ModelsTestDataFramework();
        using var first = NewClient();
        using var second = NewClient();

        var a = await first.GetResponseAsync("analyse", AnalysisOptions(framework, Speech));
        var b = await second.GetResponseAsync("analyse", AnalysisOptions(framework, Speech));

        Assert.Equal(a.Text, b.Text);
        Assert.Equal(MiniLMChatClient.ModelId, a.ModelId);
        Assert.True(a.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task CounterMarkers_PullTheScoreDown()
    {
        var hope = new Dimension { Name = "hope", Description = "Optimism and confidence about the future." };
        var plain = Single(hope);
        var countered = Single(hope with { NegativeMarkers = ["we will overcome them together", "brighter days than we have seen"] });

        var without = (await AnalyseAsync(plain, Speech)).Find("hope")!;
        var with = (await AnalyseAsync(countered, Speech)).Find("hope")!;

        Assert.True(with.Score < without.Score, $"with counter-markers {with.Score}, without {without.Score}");
    }

    [Fact]
    public async Task UnrelatedDimension_ScoresLow_WithLowConfidence_AndNoEvidence()
    {
        var framework = Single(new Dimension { Name = "monetary_policy", Description = "Central bank interest rates, inflation targets and bond purchases." });

        var score = (await AnalyseAsync(framework, Speech)).Find("monetary_policy")!;

        Assert.True(score.Score < 0.15, $"raw_score {score.Score}");
        Assert.Equal(0.2, score.Confidence);
        Assert.Empty(score.Evidence);
    }

    [Fact]
    public async Task EmptyDocument_ScoresZero_WithoutEvidence()
    {
        var analysis = await AnalyseAsync(MiniLMTestData.CivicGrievanceFramework(), "   ");

        Assert.All(analysis.Dimensions, d =>
        {
            Assert.Equal(0, d.Score);
            Assert.Equal(0, d.Salience);
            Assert.Empty(d.Evidence);
        });
    }

    [Fact]
    public async Task Synthesis_IsTheTemplateNarrative_NamedAsTheSemanticBaseline()
    {
        using var client = NewClient();
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                [LexiconInputs.Task] = LexiconInputs.SynthesisTask,
                [LexiconInputs.Framework] = MiniLMTestData.CivicGrievanceFramework(),
                [LexiconInputs.StatisticsJson] = Statistics(),
            },
        };

        var text = (await client.GetResponseAsync("synthesise", options)).Text;

        Assert.Contains("offline semantic baseline", text);
        Assert.Contains("civic_duty", text);
    }

    [Fact]
    public async Task RequestWithoutDiscernusInputs_IsAnsweredWithAnExplanation()
    {
        using var client = NewClient();

        var text = (await client.GetResponseAsync("Hello, who are you?")).Text;

        Assert.Contains("not a conversational model", text);
    }

    private static string Statistics()
    {
        AnalysisRecord Doc(string id, double civic, double grievance) => new()
        {
            DocumentName = id + ".txt",
            CorpusDocumentId = id,
            DocumentHash = "hash-" + id,
            Model = MiniLMChatClient.ModelId,
            Dimensions = new Dictionary<string, DimensionValues>
            {
                ["civic_duty"] = new(civic, null, null),
                ["economic_grievance"] = new(grievance, null, null),
            },
        };

        return StatisticsCalculator.Compute([Doc("a", 0.8, 0.1), Doc("b", 0.6, 0.2), Doc("c", 0.1, 0.7)], ["civic_duty", "economic_grievance"]).ToJson();
    }

    private static Framework ModelsTestDataFramework() => Discernus.Tests.Models.ModelsTestData.HopeFearFramework(withMarkerlessDimension: true);

    private static Framework Single(Dimension dimension) => new()
    {
        Name = "single",
        FilePath = "/tmp/framework.md",
        Text = "# single " + dimension.Name,
        Dimensions = [dimension],
    };
}
