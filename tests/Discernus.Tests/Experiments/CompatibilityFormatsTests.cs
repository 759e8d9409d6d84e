using Discernus.Experiments;
using Discernus.Orchestration;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>The original project's formats: flagship-style formulas and manifests with corpus/ prefixes and subfolders.</summary>
public sealed class CompatibilityFormatsTests
{
    private static ValidationReport Validate(string path) => ExperimentValidator.Validate(path, new ExperimentLimits());

    [Fact]
    public void FlagshipStyleExperiment_IsValid_WithEveryDerivedMetricAndBothDocuments()
    {
        var report = Validate(TestPaths.Valid("flagship_formats"));

        Valid(report);
        Assert.Empty(report.Warnings);
        var experiment = report.Experiment!;
        Assert.Equal(
            ["overall_tension", "emotional_tension", "social_tension", "emotional_balance", "salience_total", "balance_index"],
            experiment.Framework.DerivedMetrics.Select(m => m.Name));
        Assert.Equal(
            ["remarks/praise/library_reading_room_praise.txt", "remarks/complaints/mill_road_complaint.txt"],
            experiment.Corpus.Documents.Select(d => d.RelativePath));
        Assert.All(experiment.Corpus.Documents, d => Assert.True(File.Exists(d.FullPath)));
    }

    [Fact]
    public void ManifestPathWithCorpusPrefix_ThatLeavesTheExperiment_IsStillRejected()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("flagship_formats"));
        File.WriteAllText(temp.Outside("secret.txt"), "outside the experiment");
        temp.Replace("corpus.md", "filename: corpus/remarks/praise/library_reading_room_praise.txt", "filename: corpus/../../secret.txt");

        var finding = SingleBlocking(Validate(temp.Path), FindingCodes.PathEscapes);

        Assert.Contains("corpus/../../secret.txt", finding.Message);
    }

    [Fact]
    public void AFileListedTwiceUnderTwoIds_IsBlocking_NamingBothEntries()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("flagship_formats"));
        // The same file once relative to the experiment folder and once relative to corpus/.
        File.AppendAllText(temp.File("corpus.md"), string.Empty);
        temp.Replace("corpus.md", "  - filename: remarks/complaints/mill_road_complaint.txt\n",
            "  - filename: remarks/praise/library_reading_room_praise.txt\n    document_id: praise_again\n  - filename: remarks/complaints/mill_road_complaint.txt\n");

        var finding = SingleBlocking(Validate(temp.Path), FindingCodes.DuplicateDocumentFile);

        Assert.Equal("corpus.md", finding.File);
        Assert.Contains("praise_again", finding.Message);
        Assert.Contains("praise_library", finding.Message);
        Assert.Contains("counted twice", finding.Message);
    }

    [Fact]
    public void ADerivedMetricCycle_IsBlocking_NamingTheMetrics()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("flagship_formats"));
        temp.Replace("framework.md", "formula: \"emotional_balance / (salience_total + 0.001)\"", "formula: \"emotional_balance / (overall_tension + 0.001)\"");
        temp.Replace("framework.md", "formula: \"(emotional_tension + social_tension) / 2\"", "formula: \"(emotional_tension + balance_index) / 2\"");

        var report = Validate(temp.Path);

        Assert.False(report.IsValid);
        var cycle = report.Blocking.Where(f => f.Code == FindingCodes.DerivedMetricInvalid).ToList();
        Assert.Equal(["derived_metrics.overall_tension", "derived_metrics.balance_index"], cycle.Select(f => f.Field));
        Assert.All(cycle, f => Assert.Contains("derived_metrics.overall_tension -> derived_metrics.balance_index -> derived_metrics.overall_tension", f.Message));
    }

    [Fact]
    public void AdvancedFiltering_NamingAnUnknownDimension_IsBlocking_WithTheClosestName()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("flagship_formats"));
        temp.Replace("experiment.md", "grouping:\n", "advanced_filtering:\n  dimension_specific_thresholds:\n    hopee: 0.2\n  exclude_dimensions: [fear]\ngrouping:\n");

        var report = Validate(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking);
        Assert.Equal(FindingCodes.UnknownDimension, finding.Code);
        Assert.Equal("advanced_filtering.dimension_specific_thresholds", finding.Field);
        Assert.Contains("'hopee' is not a dimension of the framework; did you mean 'hope'?", finding.Message);
    }
}
