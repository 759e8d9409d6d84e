using Discernus.Experiments;
using Discernus.Tests.Experiments;
using Discernus.Application;

namespace Discernus.Tests.Web;

public sealed class CodingSampleTests
{
    private static Experiment PoliticalRhetoric() =>
        Discernus.Orchestration.ExperimentValidator.Validate(TestPaths.Project("political_rhetoric"), new ExperimentLimits()).Experiment!;

    [Fact]
    public void Sample_IsTheSameForTheSameSeed_AndDiffersForAnother()
    {
        var experiment = PoliticalRhetoric();
        var a = CodingSample.Draw(experiment, 6, 42).Select(d => d.DocumentId).ToList();
        Assert.Equal(a, CodingSample.Draw(experiment, 6, 42).Select(d => d.DocumentId).ToList());
        Assert.NotEqual(a, CodingSample.Draw(experiment, 6, 43).Select(d => d.DocumentId).ToList());
        Assert.Equal(6, a.Distinct().Count());
    }

    [Fact]
    public void Sample_CoversEveryGroupOfTheGroupingField()
    {
        var experiment = PoliticalRhetoric();
        var field = CodingSample.StratifiedBy(experiment)!;
        var groups = experiment.Corpus.Documents.Select(d => d.Metadata[field]).Distinct().Count();
        var sample = CodingSample.Draw(experiment, groups, 5);
        Assert.Equal(groups, sample.Select(d => d.Metadata[field]).Distinct().Count());
    }

    [Fact]
    public void Highlighter_FindsQuotesAcrossLineBreaksAndTypographicQuotes()
    {
        var text = "He said \u201chello\u201d to the\n  people, and left.";
        var segments = EvidenceHighlighter.Segments(text, [(1, "said \"hello\" to the people")]);
        Assert.Equal(text, string.Concat(segments.Select(s => s.Text)));
        var marked = Assert.Single(segments, s => s.Dimensions.Count > 0);
        Assert.Equal("said \u201chello\u201d to the\n  people", marked.Text);
        Assert.Equal([1], marked.Dimensions);
        Assert.DoesNotContain(EvidenceHighlighter.Segments(text, [(0, "never said")]), s => s.Dimensions.Count > 0);
    }

    [Fact]
    public void GoldMerge_ReplacesOnlyTheCodersCell_AndKeepsEveryOtherLine()
    {
        var existing = "document_id,dimension,score,coder,note\nd1,a,0.5,ann,\"first, note\"\nd1,a,0.4,bob,x\n";
        var merged = GoldFile.Merge(existing, [new GoldRating("d1", "a", 0.9, "ann"), new GoldRating("d2", "a", 0.1, "ann")]);
        Assert.Contains("d1,a,0.4,bob,x\n", merged);
        Assert.DoesNotContain("0.5,ann", merged);
        var parsed = GoldFile.Parse(merged);
        Assert.Empty(parsed.Problems);
        Assert.Equal(3, parsed.Ratings.Count);
        Assert.Throws<InvalidDataException>(() => GoldFile.Merge("document_id,dimension,score,coder\nd1,a,not-a-number,ann\n", [new GoldRating("d1", "a", 0.2, "ann")]));
    }
}
