using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>Valid experiments: the shipped examples, warning fixtures and the messy-but-legal layouts of SPEC §1–§2.</summary>
public sealed class ExperimentReaderTests
{
    private static ValidationReport Read(string path) => new ExperimentReader().Read(path);

    [Theory]
    [InlineData("nano", ExperimentLayout.V10, 2)]
    [InlineData("political_rhetoric", ExperimentLayout.V10, 20)]
    [InlineData("institutional_communications", ExperimentLayout.V10, 20)]
    [InlineData("academic_discourse", ExperimentLayout.Alpha, 20)]
    public void ExampleProject_IsValid(string project, ExperimentLayout layout, int documents)
    {
        var report = Read(TestPaths.Project(project));

        Valid(report);
        Assert.Equal(layout, report.Experiment!.Layout);
        Assert.Equal(documents, report.Experiment.Corpus.Documents.Count);
        Assert.NotEmpty(report.Experiment.Framework.Dimensions);
        Assert.True(!report.Warnings.Any(), $"the shipped examples should be warning-free:\n{Describe(report)}");
    }

    [Fact]
    public void ExampleProject_CanBeReadThroughItsExperimentFile()
    {
        var report = Read(Path.Combine(TestPaths.Project("nano"), "experiment.md"));

        Valid(report);
        Assert.Equal(TestPaths.Project("nano"), report.ExperimentPath);
    }

    [Fact]
    public void Nano_IsReadIntoTheModel()
    {
        var experiment = Read(TestPaths.Project("nano")).Experiment!;

        Assert.Equal("nano", experiment.Name);
        Assert.Equal("10.0", experiment.SpecVersion);
        Assert.Equal(["tone"], experiment.Grouping);
        Assert.Equal(["H1", "H2", "H3"], experiment.Hypotheses.Select(h => h.Id));
        Assert.Equal("nano_sentiment", experiment.Framework.Name);
        Assert.Equal(["positive_sentiment", "negative_sentiment"], experiment.Framework.Dimensions.Select(d => d.Name));
        Assert.Contains("wonderful", experiment.Framework.Dimensions[0].PositiveMarkers);
        Assert.Equal("net_sentiment", Assert.Single(experiment.Framework.DerivedMetrics).Name);
        var library = Assert.Single(experiment.Corpus.Documents, d => d.DocumentId == "nano_positive_library");
        Assert.Equal("library_reading_room_praise.txt", library.RelativePath);
        Assert.Equal("positive", library.Metadata["tone"]);
    }

    [Fact]
    public void UnlistedCorpusFile_IsAWarning_AndNotADocument()
    {
        var report = Read(TestPaths.Warning("unlisted_corpus_file"));

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.UnlistedFile);
        Assert.Equal("corpus.md", warning.File);
        Assert.Equal("documents", warning.Field);
        Assert.Contains("harbour_notes.txt", warning.Message);
        Assert.Equal(2, report.Experiment!.Corpus.Documents.Count);
    }

    [Fact]
    public void UnknownKey_IsAWarning_WithItsLineInTheFile()
    {
        var experiment = TestPaths.Warning("unknown_key");

        var report = Read(experiment);

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.UnknownKey);
        Assert.Equal("experiment.md", warning.File);
        Assert.Equal("favourite_colour", warning.Field);
        Assert.Contains("unknown key `favourite_colour`", warning.Message);
        Assert.Equal(LineNumberOf(Path.Combine(experiment, "experiment.md"), "favourite_colour: teal"), warning.Line);
        Assert.Equal(1, warning.Column);
    }

    [Fact]
    public void SpecVersionMismatch_IsAWarning()
    {
        var report = Read(TestPaths.Warning("spec_version_mismatch"));

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.SpecVersionMismatch);
        Assert.Equal("experiment.md", warning.File);
        Assert.Equal("spec_version", warning.Field);
        Assert.Contains("'9.2'", warning.Message);
    }

    [Fact]
    public void GroupingFieldMissingOnSomeDocuments_IsAWarning_NamingTheField()
    {
        var report = Read(TestPaths.Warning("grouping_field_missing"));

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.GroupingFieldMissing);
        Assert.Equal("corpus.md", warning.File);
        Assert.Equal("metadata.speaker_age", warning.Field);
        Assert.Contains("missing on 1 of 2 document(s)", warning.Message);
    }

    [Fact]
    public void GroupingFieldNoDocumentHas_IsBlocking_WithTheClosestKnownField()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Warning("grouping_field_missing"));
        temp.Replace("experiment.md", "speaker_age", "topc");

        var report = Read(temp.Path);

        Assert.False(report.IsValid);
        var finding = Assert.Single(report.Blocking);
        Assert.Equal(FindingCodes.GroupingFieldMissing, finding.Code);
        Assert.Equal("grouping", finding.Field);
        Assert.Contains("no document has the metadata field 'topc'; did you mean 'topic'?", finding.Message);
        Assert.Contains("source, speaker_age, tone, topic", finding.Fix);
    }

    [Fact]
    public void DimensionWithoutMarkers_IsAWarning_AndTheDimensionIsKept()
    {
        var report = Read(TestPaths.Warning("dimension_without_markers"));

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.DimensionWithoutMarkers);
        Assert.Equal("framework.md", warning.File);
        Assert.Equal("dimensions.negative_sentiment.markers", warning.Field);
        Assert.Contains("not scorable", warning.Message);
        var dimension = Assert.Single(report.Experiment!.Framework.Dimensions, d => d.Name == "negative_sentiment");
        Assert.False(dimension.HasMarkers);
    }

    [Fact]
    public void AlphaLayout_FromExperimentMdFrontMatter_IsValid()
    {
        var report = Read(TestPaths.Valid("alpha_front_matter"));

        Valid(report);
        var experiment = report.Experiment!;
        Assert.Equal(ExperimentLayout.Alpha, experiment.Layout);
        Assert.Equal("alpha_front_matter", experiment.Name);
        Assert.EndsWith("experiment.md", experiment.ExperimentFilePath);
        Assert.Equal(["library_reading_room_praise", "mill_road_complaint"], experiment.Corpus.Documents.Select(d => d.DocumentId).Order(StringComparer.Ordinal));
        Assert.Null(experiment.Corpus.ManifestPath);
        // Alpha metadata comes only from a manifest, never from file names.
        Assert.All(experiment.Corpus.Documents, d => Assert.Empty(d.Metadata));
        Assert.Equal("H1", Assert.Single(experiment.Hypotheses).Id);
    }

    [Fact]
    public void AlphaLayout_ExperimentYaml_ReadsMetadataFromCorpusManifest()
    {
        var experiment = Read(TestPaths.Project("academic_discourse")).Experiment!;

        Assert.Equal(ExperimentLayout.Alpha, experiment.Layout);
        Assert.Equal("arxiv_abstracts", experiment.Corpus.Name);
        Assert.All(experiment.Corpus.Documents, d => Assert.True(d.Metadata.ContainsKey("field"), d.DocumentId));
    }

    [Fact]
    public void UnfencedAppendixBetweenMarkers_IsRead()
    {
        var report = Read(TestPaths.Valid("v10_unfenced_appendix"));

        Valid(report);
        Assert.Equal("nano", report.Experiment!.Name);
        Assert.Equal(["tone"], report.Experiment.Grouping);
    }

    [Fact]
    public void UnfencedAppendix_ReportsLinesOfTheFile()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("v10_unfenced_appendix"));
        temp.Replace("experiment.md", "grouping:\n", "favourite_colour: teal\ngrouping:\n");

        var warning = SingleWarning(Read(temp.Path), FindingCodes.UnknownKey);

        Assert.Equal(LineNumberOf(temp.File("experiment.md"), "favourite_colour: teal"), warning.Line);
    }

    [Fact]
    public void UnclosedFence_EndsAtTheEndMarker()
    {
        var report = Read(TestPaths.Valid("v10_unclosed_fence"));

        Valid(report);
        Assert.Equal("nano", report.Experiment!.Name);
        Assert.Equal(3, report.Experiment.Hypotheses.Count);
    }

    [Fact]
    public void UnclosedFence_WithoutEndMarker_EndsAtTheEndOfTheFile()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var text = File.ReadAllText(temp.File("experiment.md"));
        File.WriteAllText(temp.File("experiment.md"), text[..text.LastIndexOf("```", StringComparison.Ordinal)]);

        Valid(Read(temp.Path));
    }

    [Fact]
    public void FrameworkWithEarlierExampleYamlBlock_UsesTheLastValidBlock()
    {
        var report = Read(TestPaths.Valid("framework_example_block"));

        Valid(report);
        var names = report.Experiment!.Framework.Dimensions.Select(d => d.Name).ToList();
        Assert.Equal(["positive_sentiment", "negative_sentiment"], names);
        Assert.DoesNotContain("example_only_dimension", names);
    }

    [Fact]
    public void LaterBlockThatDoesNotParse_IsAWarning_AndTheValidAppendixIsUsed()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.AppendAllText(temp.File("framework.md"), "\n## Notes\n\n```yaml\nbroken: [unclosed\n```\n");

        var report = Read(temp.Path);

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.IgnoredYamlBlock);
        Assert.Equal("framework.md", warning.File);
        Assert.Equal(2, report.Experiment!.Framework.Dimensions.Count);
    }

    [Fact]
    public void FrameworkWithDimensionsInsideDefaultVariant_IsRead()
    {
        var report = Read(TestPaths.Valid("framework_nested_dimensions"));

        Valid(report);
        var framework = report.Experiment!.Framework;
        Assert.Equal(["positive_sentiment", "negative_sentiment"], framework.Dimensions.Select(d => d.Name));
        Assert.Equal("net_sentiment", Assert.Single(framework.DerivedMetrics).Name);
        Assert.True(framework.AnalysisVariants.ContainsKey("default"));
    }

    [Fact]
    public void FrameworkWithDefinitionAndScoringGuide_IsRead()
    {
        var report = Read(TestPaths.Valid("framework_definition_scoring_guide"));

        Valid(report);
        var positive = report.Experiment!.Framework.Dimensions[0];
        Assert.StartsWith("Approval, praise", positive.Description);
        Assert.Contains("0.7-1.0 dominant", positive.ScoringCalibration["guide"]);
    }

    [Fact]
    public void CorpusManifestWithoutDocuments_TakesEveryFile_WithAWarning()
    {
        var report = Read(TestPaths.Valid("corpus_without_documents"));

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.ManifestWithoutDocuments);
        Assert.Equal("corpus.md", warning.File);
        Assert.Equal("documents", warning.Field);
        var corpus = report.Experiment!.Corpus;
        Assert.Equal("nano_corpus", corpus.Name);
        Assert.Equal(["library_reading_room_praise", "mill_road_complaint"], corpus.Documents.Select(d => d.DocumentId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OldManifestWithMetadataOnTheEntry_IsRead()
    {
        var report = Read(TestPaths.Valid("old_manifest_flat_metadata"));

        Valid(report);
        Assert.Empty(report.Warnings);
        var road = Assert.Single(report.Experiment!.Corpus.Documents, d => d.DocumentId == "nano_negative_road");
        Assert.Equal("negative", road.Metadata["tone"]);
        Assert.Equal("roads", road.Metadata["topic"]);
        Assert.False(road.Metadata.ContainsKey("filename"));
    }
}
