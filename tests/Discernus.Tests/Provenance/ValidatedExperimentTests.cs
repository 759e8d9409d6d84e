using Discernus.Artifacts;
using Discernus.Experiments;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Provenance;

public sealed class ValidatedExperimentTests
{
    [Theory]
    [InlineData("nano")]
    [InlineData("political_rhetoric")]
    [InlineData("academic_discourse")]
    [InlineData("institutional_communications")]
    public async Task TheStoredReport_IsTheValidatedOne(string project)
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project(project));
        using var store = new FolderArtifactStore(experiment.Outside("artifacts"));
        var report = ExperimentValidator.Validate(experiment.Path, new ExperimentLimits(), readDocuments: false);
        Assert.True(report.IsValid);

        var loaded = await ValidatedExperiment.LoadAsync(await ValidatedExperiment.SaveAsync(report, store), store);

        Assert.NotNull(loaded);
        Assert.Equal(Json(report), Json(loaded));
        Assert.Same(loaded.Experiment!.Framework, loaded.Framework);
        Assert.Contains(loaded.SpecificationFiles, f => f.Path == report.Experiment!.ExperimentFilePath);
        Assert.Contains(loaded.SpecificationFiles, f => f.Path == report.Experiment!.Framework.FilePath);
    }

    [Fact]
    public void Validation_HashesTheBytesOfEverySpecificationFileItRead()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(experiment.Path, new ExperimentLimits(), readDocuments: false);
        var validated = report.Experiment!;

        var expected = new[] { validated.ExperimentFilePath, validated.Framework.FilePath, validated.Corpus.ManifestPath! }
            .ToDictionary(p => p, p => Discernus.Content.Hashing.Sha256Hex(File.ReadAllBytes(p)));
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), report.SpecificationFiles.Select(f => KeyValuePair.Create(f.Path, f.Sha256)).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Recheck_NamesTheFileThatChanged_AndKeepsNoExperiment()
    {
        using var experiment = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var report = ExperimentValidator.Validate(experiment.Path, new ExperimentLimits(), readDocuments: false);
        var unchanged = await ValidatedExperiment.RecheckAsync(report);
        Assert.Same(report, unchanged.Report);
        Assert.Equal(report.SpecificationFiles.Count, unchanged.Files.Count);

        await File.AppendAllTextAsync(report.Experiment!.Framework.FilePath, "\nedited\n");
        var (rechecked, _) = await ValidatedExperiment.RecheckAsync(report);

        Assert.Null(rechecked.Experiment);
        var finding = Assert.Single(rechecked.Blocking);
        Assert.Equal(FindingCodes.ChangedSinceValidation, finding.Code);
        Assert.Equal(Path.GetFileName(report.Experiment.Framework.FilePath), finding.File);
        Assert.Contains("changed since validation", finding.Message, StringComparison.Ordinal);
    }

    private static string Json(ValidationReport report) =>
        System.Text.Encoding.UTF8.GetString(DiscernusJson.Serialize(report with { Framework = null }));
}
