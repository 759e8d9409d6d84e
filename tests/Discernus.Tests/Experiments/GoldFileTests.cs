using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

public sealed class GoldFileTests
{
    [Fact]
    public void Parse_ReadsRows_IgnoresExtraColumns_AndWriteRoundTrips()
    {
        var (ratings, problems) = GoldFile.Parse("\uFEFFcoder,document_id,dimension,score,note\nann,a,hope,0.25,first\nbob,a,hope,1,\n\n");

        Assert.Empty(problems);
        Assert.Equal([new GoldRating("a", "hope", 0.25, "ann"), new GoldRating("a", "hope", 1, "bob")], ratings);
        var written = GoldFile.Write(ratings);
        Assert.StartsWith("document_id,dimension,score,coder", written);
        Assert.Equal(ratings, GoldFile.Parse(written).Ratings);
    }

    [Theory]
    [InlineData("document_id,dimension,score\na,hope,0.5\n", 1, "lacks coder")]
    [InlineData("document_id,dimension,score,coder\na,hope,1.5,ann\n", 2, "score '1.5' is not a number from 0 to 1")]
    [InlineData("document_id,dimension,score,coder\na,hope,\"0,5\",ann\n", 2, "score '0,5'")]
    [InlineData("document_id,dimension,score,coder\na,,0.5,ann\n", 2, "dimension is empty")]
    [InlineData("", 0, "the file is empty")]
    public void Parse_ReportsEachProblemWithItsLine(string text, int line, string message)
    {
        var problem = Assert.Single(GoldFile.Parse(text).Problems);

        Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Experiment_NamingAGoldFile_ReadsIt_AndWarnsAboutUnknownDocumentsAndDimensions()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "  corpus: corpus.md\n", "  corpus: corpus.md\n  gold: coding/gold.csv\n");
        Directory.CreateDirectory(temp.File("coding"));
        File.WriteAllText(temp.File("coding/gold.csv"),
            "document_id,dimension,score,coder\nnano_positive_library,positive_sentiment,0.9,ann\nnano_negative_road,positive_sentiment,0.1,ann\nghost,positive_sentiment,0.5,ann\nnano_negative_road,anger,0.8,ann\n");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Equal(temp.File("coding/gold.csv"), report.Experiment!.GoldPath);
        Assert.Equal(4, report.Experiment.Gold.Count);
        var warnings = report.Warnings.Where(w => w.Code == FindingCodes.InvalidGoldFile).ToList();
        Assert.Contains(warnings, w => w.Message.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Message.Contains("anger", StringComparison.Ordinal));
    }

    [Fact]
    public void Experiment_WithABadGoldRow_IsBlocking_WithTheLine()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "  corpus: corpus.md\n", "  corpus: corpus.md\n  gold: gold.csv\n");
        File.WriteAllText(temp.File("gold.csv"), "document_id,dimension,score,coder\nnano_positive_library,positive_sentiment,high,ann\n");

        var finding = SingleBlocking(new ExperimentReader().Read(temp.Path), FindingCodes.InvalidGoldFile);

        Assert.Equal("gold.csv", finding.File);
        Assert.Equal(2, finding.Line);
        Assert.Contains("'high'", finding.Message);
    }

    [Fact]
    public void Experiment_GoldOutsideTheExperiment_IsRejected()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.WriteAllText(temp.Outside("gold.csv"), "document_id,dimension,score,coder\n");
        temp.Replace("experiment.md", "  corpus: corpus.md\n", "  corpus: corpus.md\n  gold: ../gold.csv\n");

        var finding = SingleBlocking(new ExperimentReader().Read(temp.Path), FindingCodes.PathEscapes);

        Assert.Equal("components.gold", finding.Field);
    }

    [Fact]
    public void Anchors_AreRead_AndABadOneIsBlocking()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("framework.md", "  - name: negative_sentiment\n",
            "    anchors:\n      - {excerpt: \"What a wonderful day.\", score: 0.9}\n      - excerpt: \"It was fine.\"\n        score: 0.2\n  - name: negative_sentiment\n");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Equal([new Anchor("What a wonderful day.", 0.9), new Anchor("It was fine.", 0.2)], report.Experiment!.Framework.Dimensions[0].Anchors);

        temp.Replace("framework.md", "score: 0.2", "score: 2");
        var finding = SingleBlocking(new ExperimentReader().Read(temp.Path), FindingCodes.InvalidField);
        Assert.Equal("dimensions.positive_sentiment.anchors[1]", finding.Field);
    }
}
