using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

public sealed class HypothesisTestReadingTests
{
    [Fact]
    public void ShippedNanoExperiment_HasMachineReadableTests()
    {
        var report = new ExperimentReader().Read(TestPaths.Project("nano"));

        Valid(report);
        var test = report.Experiment!.Hypotheses[0].Test!;
        Assert.Equal(("positive_sentiment", "tone", null, "higher"), (test.Variable, test.By, test.CorrelatesWith, test.Expect));
        Assert.Equal(["positive", "negative"], test.Groups);
        Assert.Null(report.Experiment!.Hypotheses[2].Test);
    }

    [Theory]
    [InlineData("{variable: positive_sentiment, expect: higher}", "exactly one of `by`")]
    [InlineData("{variable: positive_sentiment, by: tone, expect: bigger}", "`expect: bigger` is not one of")]
    [InlineData("{variable: positive_sentiment, by: tone, expect: higher}", "list them as `groups: [first, second]`")]
    [InlineData("{variable: joy, by: tone, expect: difference}", "'joy' is neither a dimension nor a derived metric")]
    public void ABadTest_IsBlocking_NamingTheProblem(string test, string message)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "    test: {variable: positive_sentiment, by: tone, groups: [positive, negative], expect: higher}", $"    test: {test}");

        var report = new ExperimentReader().Read(temp.Path);

        Assert.False(report.IsValid);
        Assert.Contains(report.Blocking, f => f.Field == "hypotheses.H1.test" && f.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ATestByAFieldNoDocumentHas_IsBlocking_LikeAnyUnknownName()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "    test: {variable: positive_sentiment, by: tone, groups: [positive, negative], expect: higher}", "    test: {variable: positive_sentiment, by: mood, expect: difference}");

        var report = new ExperimentReader().Read(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking);
        Assert.Equal("hypotheses.H1.test", finding.Field);
        Assert.Contains("no document has the metadata field 'mood'", finding.Message);
    }

    [Theory]
    [InlineData("{variable: positive_sentiment, by: tone, groups: [positive, neutral], expect: higher}", "no document has tone = 'neutral'")]
    public void ATestTheCorpusCannotAnswer_IsAWarning(string test, string message)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "    test: {variable: positive_sentiment, by: tone, groups: [positive, negative], expect: higher}", $"    test: {test}");

        var report = new ExperimentReader().Read(temp.Path);

        Valid(report);
        Assert.Contains(report.Warnings, f => f.Field == "hypotheses.H1.test" && f.Message.Contains(message, StringComparison.Ordinal) && f.Message.Contains("indeterminate", StringComparison.Ordinal));
    }
}
