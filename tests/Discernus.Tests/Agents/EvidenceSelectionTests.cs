using Discernus.Agents;

namespace Discernus.Tests.Agents;

/// <summary>Choosing quotes as the results go past picks exactly what sorting every quote of the run picked.</summary>
public sealed class EvidenceSelectionTests
{
    private static readonly string[] Dimensions = ["hope", "fear", "unity"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void StreamedSelection_EqualsSortingEveryQuote_WithManyTies(int seed)
    {
        var results = TiedResults(new Random(seed), 1_500);
        var selection = new EvidenceSelection(Dimensions);

        foreach (var result in results)
        {
            selection.Add(result);
        }

        var expected = InMemorySynthesisReference.SelectEvidence(Dimensions, results);
        Assert.Equal(expected, selection.Selected());
        Assert.Equal(Dimensions.Length * (EvidenceSelection.QuotesPerDimension + EvidenceSelection.MaxUnverifiedPerDimension), expected.Count);
    }

    [Fact]
    public void ADocumentAnalysedTwice_IsQuotedOnce_FromItsBestAnalysis()
    {
        var selection = new EvidenceSelection(["hope"]);
        selection.Add(Result("a", "a.txt", 0.5, "first reading"));
        selection.Add(Result("b", "b.txt", 0.4, "b"));
        selection.Add(Result("a", "a.txt", 0.9, "second reading"));
        selection.Add(Result("c", "c.txt", 0.3, "c"));
        selection.Add(Result("d", "d.txt", 0.2, "d"));

        var quotes = selection.Selected().Select(e => (e.DocumentName, e.Quote, e.Score)).ToList();

        Assert.Equal([("a.txt", "second reading", 0.9), ("b.txt", "b", 0.4), ("c.txt", "c", 0.3)], quotes);
    }

    private static AnalysisResult Result(string id, string name, double score, string quote) => new()
    {
        DocumentId = id,
        DocumentName = name,
        CorpusDocumentId = id,
        FrameworkAnalysis = new Dictionary<string, DimensionScore> { ["hope"] = new() { Score = score, Evidence = [new EvidenceQuote(quote, true)] } },
        ProcessingMetadata = Metadata(0),
    };

    private static ProcessingMetadata Metadata(int i) => new()
    {
        Timestamp = "2026-12-01T00:00:00Z",
        Model = "lexicon",
        TokensUsed = new TokenUsage(1, 1),
        PromptHash = new string('a', 64),
        FrameworkHash = new string('b', 64),
        DocumentHash = new string('c', 64),
        TaskId = $"run:analyse_document:{i}",
    };

    // Few distinct scores and names, documents analysed several times: ties everywhere, so order rules decide.
    private static List<AnalysisResult> TiedResults(Random random, int count) => Enumerable.Range(0, count).Select(i =>
    {
        var document = random.Next(60);
        return new AnalysisResult
        {
            DocumentId = $"hash_{document}",
            DocumentName = $"speech_{document % 25:00}.txt",
            CorpusDocumentId = $"doc_{document}",
            FrameworkAnalysis = Dimensions.Where(_ => random.Next(5) > 0).ToDictionary(d => d, d => new DimensionScore
            {
                Score = random.Next(6) switch { 0 => null, var s => (s - 1) * 0.25 },
                Evidence = Enumerable.Range(0, random.Next(4)).Select(q => new EvidenceQuote($"{d} {i} {q}", random.Next(3) > 0)).ToList(),
            }),
            ProcessingMetadata = Metadata(i),
        };
    }).ToList();
}
