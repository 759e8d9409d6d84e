using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Discernus.Statistics;
using Discernus.Tests.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Offline;

public sealed class LexiconSynthesisTests
{
    private static readonly Discernus.Experiments.Framework Framework = ModelsTestData.HopeFearFramework();

    private static CorpusStatistics Statistics()
    {
        AnalysisRecord Doc(string id, string party, double hope, double fear) => new()
        {
            DocumentName = id + ".txt",
            CorpusDocumentId = id,
            DocumentHash = "hash-" + id,
            Model = "lexicon",
            Metadata = new Dictionary<string, string> { ["party"] = party },
            Dimensions = new Dictionary<string, DimensionValues>
            {
                ["hope"] = new(hope, null, null),
                ["fear"] = new(fear, null, null),
            },
        };

        return StatisticsCalculator.Compute(
            [Doc("a", "left", 0.9, 0.1), Doc("b", "left", 0.7, 0.3), Doc("c", "right", 0.2, 0.6), Doc("d", "right", 0.4, 0.5)],
            ["hope", "fear"],
            groupingFields: ["party"]);
    }

    private static async Task<string> SynthesiseAsync(string statisticsJson)
    {
        using var client = new LexiconChatClient();
        var response = await client.GetResponseAsync("synthesise", new ChatOptions
        {
            AdditionalProperties = new()
            {
                [LexiconInputs.Task] = LexiconInputs.SynthesisTask,
                [LexiconInputs.Framework] = Framework,
                [LexiconInputs.StatisticsJson] = statisticsJson,
            },
        });
        return response.Text;
    }

    [Fact]
    public async Task Narrative_RanksDimensions_AndSaysItIsTheOfflineBaseline()
    {
        var statistics = Statistics();
        var text = await SynthesiseAsync(statistics.ToJson());

        Assert.StartsWith("## Synthesis (offline lexicon baseline)", text);
        Assert.Contains("not the interpretation of an LLM", text.ReplaceLineEndings(" "));
        Assert.Contains("highest-ranking dimension by mean score is **hope** (mean 0.550)", text);
        Assert.Contains("lowest-ranking dimension by mean score is **fear** (mean 0.375)", text);
    }

    [Fact]
    public async Task Narrative_ReportsStrongestCorrelationAndLargestGroupDifference()
    {
        var statistics = Statistics();
        var text = (await SynthesiseAsync(statistics.ToJson())).ReplaceLineEndings(" ");
        var r = statistics.Correlations.Coefficient("hope", "fear")!.Value;

        Assert.Contains($"between **hope** and **fear** (r = {StatisticsFormatter.Format(r)}, n = 4 documents)", text);
        Assert.Contains("largest group difference is on **hope** by party: left has mean 0.800", text);
        Assert.Contains("right has mean 0.300", text);
    }

    [Fact]
    public async Task Narrative_OnlyStatesNumbersThatAreInTheStatistics()
    {
        var statistics = Statistics();
        var allowed = StatisticsFormatter.AllReportedValues(statistics).Select(v => StatisticsFormatter.Format(v)).ToHashSet();

        var text = await SynthesiseAsync(statistics.ToJson());
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+\.\d+").Select(m => m.Value).ToList();

        Assert.NotEmpty(numbers);
        Assert.All(numbers, n => Assert.Contains(n, allowed));
    }

    [Fact]
    public async Task Narrative_IsDeterministic()
    {
        var json = Statistics().ToJson();

        Assert.Equal(await SynthesiseAsync(json), await SynthesiseAsync(json));
    }
}
