using Discernus.Agents;

namespace Discernus.Tests.Agents;

public sealed class AnalysisTallyTests
{
    private static readonly string[] Dimensions = ["people_centrism", "anti_elitism", "pluralist_tolerance"];

    [Fact]
    public void Tally_GivesTheModelVersions_AndTheDimensionsNoAnalysisScored_AsTheWholeResults()
    {
        var results = RunExportsTests.VariedResults(80);
        var notScorable = results.Select(r => r with
        {
            FrameworkAnalysis = r.FrameworkAnalysis.ToDictionary(kv => kv.Key, kv => kv.Key == "anti_elitism" ? kv.Value with { NotScorableReason = $"no markers in {r.DocumentName}" } : kv.Value),
        }).Where(r => r.FrameworkAnalysis.ContainsKey("anti_elitism")).ToList();
        var tally = new AnalysisTally(Dimensions);

        foreach (var result in notScorable)
        {
            tally.Add(result);
        }

        Assert.Equal(InMemorySynthesisReference.NotScorable(Dimensions, notScorable), tally.NotScorable());
        Assert.Equal(["anti_elitism"], tally.NotScorable().Keys);
        Assert.Equal(InMemorySynthesisReference.ModelVersions(notScorable), tally.ModelVersions());
        Assert.Equal(["gpt-5-mini-2026-01", "gpt-5-mini-2026-02"], tally.ModelVersions()["openai/gpt-5-mini"]);
        Assert.False(tally.LexiconOnly);
    }

    [Fact]
    public void LexiconOnly_WhileEveryAnalysisIsTheLexicons()
    {
        var results = RunExportsTests.VariedResults(20).Where(r => r.ProcessingMetadata.Model == "lexicon").ToList();
        var tally = new AnalysisTally(Dimensions);

        foreach (var result in results)
        {
            tally.Add(result);
        }

        Assert.True(tally.LexiconOnly);
        Assert.Equal([], tally.ModelVersions()["lexicon"]);
    }
}
