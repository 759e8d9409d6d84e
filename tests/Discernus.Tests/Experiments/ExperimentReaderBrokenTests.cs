using System.Text;
using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>One test per rejection in tests/fixtures/broken (and the cases built at run time).</summary>
public sealed class ExperimentReaderBrokenTests
{
    private static ValidationReport Read(string path, ExperimentLimits? limits = null) =>
        new ExperimentReader(limits ?? new ExperimentLimits()).Read(path);

    [Fact]
    public void MissingExperimentFile_IsFileMissing_Exit3()
    {
        var report = Read(TestPaths.Broken("missing_experiment_file"));

        var finding = SingleBlocking(report, FindingCodes.FileMissing);
        Assert.Equal(3, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Null(finding.Field);
        Assert.Contains("no experiment.md", finding.Message);
        Assert.Null(report.Experiment);
    }

    [Fact]
    public void MissingExperimentFolder_IsExperimentNotFound_Exit3()
    {
        var missing = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"));

        var report = Read(missing);

        var finding = SingleBlocking(report, FindingCodes.ExperimentNotFound);
        Assert.Equal(3, report.ExitCode);
        Assert.Contains("does not exist", finding.Message);
    }

    [Fact]
    public void MissingFrameworkFile_NamesComponentsFramework_Exit3()
    {
        var report = Read(TestPaths.Broken("missing_framework_file"));

        var finding = SingleBlocking(report, FindingCodes.FileMissing);
        Assert.Equal(3, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("'framework.md' does not exist", finding.Message);
        Assert.Equal(LineNumberOf(Path.Combine(TestPaths.Broken("missing_framework_file"), "experiment.md"), "  framework: framework.md"), finding.Line);
    }

    [Fact]
    public void MissingCorpusManifest_NamesComponentsCorpus_Exit3()
    {
        var report = Read(TestPaths.Broken("missing_corpus_manifest"));

        var finding = SingleBlocking(report, FindingCodes.FileMissing);
        Assert.Equal(3, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("components.corpus", finding.Field);
        Assert.Contains("'corpus.md' does not exist", finding.Message);
    }

    [Fact]
    public void MalformedYaml_ReportsLineAndColumnOfTheFile_NotOfTheBlock()
    {
        var experiment = TestPaths.Broken("malformed_yaml");
        var badLine = LineNumberOf(Path.Combine(experiment, "experiment.md"), "   corpus: corpus.md");

        var report = Read(experiment);

        var finding = SingleBlocking(report, FindingCodes.MalformedYaml);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.StartsWith("malformed YAML:", finding.Message);
        // The appendix starts on line 29 of the file; a block-relative number would be about 7.
        Assert.True(badLine > 30, $"fixture sanity: bad line {badLine} should be far into the file");
        Assert.Equal(badLine, finding.Line);
        Assert.NotNull(finding.Column);
        Assert.Contains($"experiment.md:{badLine}:", finding.Location);
    }

    [Fact]
    public void MalformedYamlInFramework_ReportsLineOfFrameworkFile()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("framework.md", "  framework_version: \"1.0.0\"\n", "  framework_version: \"1.0.0\n");
        var brokenLine = LineNumberOf(temp.File("framework.md"), "  framework_version: \"1.0.0");

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.MalformedYaml);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("framework.md", finding.File);
        Assert.NotNull(finding.Line);
        // An unclosed quote is noticed at or after the line that opens it, never inside the prose above the appendix.
        Assert.InRange(finding.Line!.Value, brokenLine, File.ReadAllLines(temp.File("framework.md")).Length + 1);
    }

    [Fact]
    public void MissingExperimentName_NamesMetadataExperimentName_Exit5()
    {
        var report = Read(TestPaths.Broken("missing_experiment_name"));

        var finding = SingleBlocking(report, FindingCodes.MissingField);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("metadata.experiment_name", finding.Field);
        Assert.Contains("experiment_name", finding.Message);
        Assert.Contains("experiment_name:", finding.Fix);
    }

    [Fact]
    public void FrameworkWithoutDimensions_IsRejected_NamingDimensions_Exit5()
    {
        var report = Read(TestPaths.Broken("framework_without_dimensions"));

        Assert.Equal(5, report.ExitCode);
        var finding = Assert.Single(report.Blocking);
        Assert.Equal("framework.md", finding.File);
        Assert.Contains("dimensions", finding.Message);
        Assert.Equal(FindingCodes.NoDimensions, finding.Code);
        Assert.Equal("dimensions", finding.Field);
    }

    [Fact]
    public void FrameworkWithEmptyDimensionsList_IsNoDimensions()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Broken("framework_without_dimensions"));
        temp.Replace("framework.md", "\nderived_metrics:\n", "\ndimensions: []\n\nderived_metrics:\n");

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.NoDimensions);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("framework.md", finding.File);
        Assert.Equal("dimensions", finding.Field);
        Assert.Contains("empty", finding.Message);
    }

    [Fact]
    public void DuplicateDocumentId_NamesBothFiles_Exit5()
    {
        var report = Read(TestPaths.Broken("duplicate_document_id"));

        var finding = SingleBlocking(report, FindingCodes.DuplicateDocumentId);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents.document_id", finding.Field);
        Assert.Contains("'nano_positive_library' is used twice", finding.Message);
        Assert.Contains("mill_road_complaint.txt", finding.Message);
        Assert.NotNull(finding.Line);
    }

    [Fact]
    public void ManifestEntryWhoseFileIsMissing_IsDocumentMissing_Exit3()
    {
        var experiment = TestPaths.Broken("manifest_entry_file_missing");

        var report = Read(experiment);

        var finding = SingleBlocking(report, FindingCodes.DocumentMissing);
        Assert.Equal(3, report.ExitCode);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents.filename", finding.Field);
        Assert.Contains("'harbour_wall_remarks.txt' does not exist", finding.Message);
        Assert.Equal(LineNumberOf(Path.Combine(experiment, "corpus.md"), "  - filename: harbour_wall_remarks.txt"), finding.Line);
    }

    [Fact]
    public void DotDotInManifestFilename_IsPathEscape_Exit5()
    {
        var report = Read(TestPaths.Broken("path_dotdot_escape"));

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents.filename", finding.Field);
        Assert.Contains("'../../secret.txt' leads outside the experiment folder through '..'", finding.Message);
    }

    [Fact]
    public void DotDotInManifestFilename_IsRejected_EvenWhenTheTargetExists()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Broken("path_dotdot_escape"));
        // corpus/../../secret.txt from inside the copy is <sandbox>/secret.txt.
        File.WriteAllText(temp.Outside("secret.txt"), "top secret: the road budget was spent on the library\n");

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal("documents.filename", finding.Field);
        Assert.Null(report.Experiment);
    }

    [Fact]
    public void DotDotThatStaysInsideTheExperiment_IsAllowed()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        Directory.CreateDirectory(temp.File("extra"));
        File.Move(temp.File("corpus/mill_road_complaint.txt"), temp.File("extra/mill_road_complaint.txt"));
        temp.Replace("corpus.md", "  - filename: mill_road_complaint.txt\n", "  - filename: ../extra/mill_road_complaint.txt\n");

        var report = Read(temp.Path);

        Valid(report);
        Assert.Contains(report.Experiment!.Corpus.Documents, d => d.FullPath == temp.File("extra/mill_road_complaint.txt"));
    }

    [Fact]
    public void AbsoluteFrameworkPath_IsPathEscape_Exit5()
    {
        var report = Read(TestPaths.Broken("absolute_path"));

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("'/etc/passwd' is an absolute path", finding.Message);
    }

    [Fact]
    public void CorpusFileSymlinkedOutside_IsPathEscape_Exit5()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var outside = temp.Outside("outside.txt");
        File.WriteAllText(outside, "A perfectly wonderful text that lives outside the experiment.\n");
        File.Delete(temp.File("corpus/library_reading_room_praise.txt"));
        File.CreateSymbolicLink(temp.File("corpus/library_reading_room_praise.txt"), outside);

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents.filename", finding.Field);
        Assert.Contains("'library_reading_room_praise.txt' is (or passes through) a symbolic link", finding.Message);
    }

    [Fact]
    public void CorpusFileSymlinkedInside_IsAllowed()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Move(temp.File("corpus/library_reading_room_praise.txt"), temp.File("library_copy.txt"));
        File.CreateSymbolicLink(temp.File("corpus/library_reading_room_praise.txt"), temp.File("library_copy.txt"));

        Valid(Read(temp.Path));
    }

    [Fact]
    public void CorpusFolderSymlinkedOutside_IsPathEscape()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        Directory.Move(temp.File("corpus"), temp.Outside("elsewhere"));
        Directory.CreateSymbolicLink(temp.File("corpus"), temp.Outside("elsewhere"));

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus", finding.File);
        Assert.Contains("symbolic link", finding.Message);
    }

    [Fact]
    public void FrameworkSymlinkedOutside_IsPathEscape()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Move(temp.File("framework.md"), temp.Outside("framework.md"));
        File.CreateSymbolicLink(temp.File("framework.md"), temp.Outside("framework.md"));

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("symbolic link", finding.Message);
    }

    [Fact]
    public void AlphaCorpusFileSymlinkedOutside_IsPathEscape()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("alpha_front_matter"));
        File.WriteAllText(temp.Outside("outside.txt"), "Text from outside the experiment.\n");
        File.CreateSymbolicLink(temp.File("texts/linked.txt"), temp.Outside("outside.txt"));

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.PathEscapes);
        Assert.Equal("texts/linked.txt", finding.File);
        Assert.Contains("symbolic link", finding.Message);
    }

    [Fact]
    public void EmptyDocument_IsRejectedByName_Exit5()
    {
        var report = Read(TestPaths.Broken("empty_document"));

        var finding = SingleBlocking(report, FindingCodes.EmptyDocument);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus/mill_road_complaint.txt", finding.File);
        Assert.Contains("empty", finding.Message);
    }

    [Fact]
    public void WhitespaceOnlyDocument_IsEmptyDocument()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.WriteAllText(temp.File("corpus/mill_road_complaint.txt"), " \n\t\n  \n");

        var finding = SingleBlocking(Read(temp.Path), FindingCodes.EmptyDocument);
        Assert.Equal("corpus/mill_road_complaint.txt", finding.File);
        Assert.Contains("white space", finding.Message);
    }

    [Fact]
    public void BinaryDocument_IsRejectedByName_Exit5()
    {
        var experiment = TestPaths.Broken("binary_document");
        Assert.Contains((byte)0, File.ReadAllBytes(Path.Combine(experiment, "corpus/mill_road_complaint.txt")));

        var report = Read(experiment);

        var finding = SingleBlocking(report, FindingCodes.BinaryDocument);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus/mill_road_complaint.txt", finding.File);
        Assert.Contains("NUL byte at offset 21", finding.Message);
    }

    [Fact]
    public void NonUtf8Document_IsRejectedByName_Exit5()
    {
        var experiment = TestPaths.Broken("non_utf8_document");
        Assert.Contains((byte)0xE9, File.ReadAllBytes(Path.Combine(experiment, "corpus/mill_road_complaint.txt")));

        var report = Read(experiment);

        var finding = SingleBlocking(report, FindingCodes.NotUtf8);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus/mill_road_complaint.txt", finding.File);
        Assert.Contains("not valid UTF-8", finding.Message);
        Assert.Contains("iconv", finding.Fix);
    }

    [Fact]
    public void Utf16DocumentWithByteOrderMark_IsAccepted()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var text = File.ReadAllText(temp.File("corpus/mill_road_complaint.txt"));
        File.WriteAllBytes(temp.File("corpus/mill_road_complaint.txt"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);

        Valid(Read(temp.Path));
    }

    [Fact]
    public void YamlAliasBomb_IsRejected_WithoutExpanding_Exit5()
    {
        var report = Read(TestPaths.Broken("yaml_alias_bomb"));

        var finding = SingleBlocking(report, FindingCodes.YamlAliasBomb);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Contains("alias bomb", finding.Message);
        Assert.Contains("anchors", finding.Fix);
    }

    [Fact]
    public void SelfReferencingAlias_IsAnAliasBomb()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "```yaml\nmetadata:\n", "```yaml\nloop: &loop\n  - *loop\nmetadata:\n");

        var report = Read(temp.Path);

        // YamlDotNet may refuse the forward alias itself; either way the file is rejected, never expanded.
        Assert.Equal(5, report.ExitCode);
        Assert.Contains(report.Blocking, f => f.Code is FindingCodes.YamlAliasBomb or FindingCodes.MalformedYaml);
    }

    [Fact]
    public void DocumentOverTheSizeLimit_IsRejectedByName_Exit5()
    {
        var report = Read(TestPaths.Project("nano"), new ExperimentLimits { MaxDocumentBytes = 100 });

        Assert.Equal(5, report.ExitCode);
        var findings = report.Blocking.Where(f => f.Code == FindingCodes.DocumentTooLarge).OrderBy(f => f.File, StringComparer.Ordinal).ToList();
        Assert.Equal(["corpus/library_reading_room_praise.txt", "corpus/mill_road_complaint.txt"], findings.Select(f => f.File));
        Assert.All(findings, f => Assert.Contains("over the 100-byte limit", f.Message));
        Assert.All(findings, f => Assert.Contains("DISCERNUS_MAX_DOCUMENT_BYTES", f.Fix));
    }

    [Fact]
    public void DocumentSizeLimit_ComesFromTheEnvironment()
    {
        var limits = ExperimentLimits.FromEnvironment(new Dictionary<string, string?> { ["DISCERNUS_MAX_DOCUMENT_BYTES"] = "100", ["DISCERNUS_MAX_DOCUMENTS"] = "7" });

        Assert.Equal(100, limits.MaxDocumentBytes);
        Assert.Equal(7, limits.MaxDocuments);
    }

    [Fact]
    public void MoreDocumentsThanTheLimit_IsTooManyDocuments()
    {
        var report = Read(TestPaths.Project("nano"), new ExperimentLimits { MaxDocuments = 1 });

        var finding = SingleBlocking(report, FindingCodes.TooManyDocuments);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("corpus.md", finding.File);
        Assert.Contains("DISCERNUS_MAX_DOCUMENTS", finding.Fix);
    }

    [Fact]
    public void UnknownAnalysisVariant_ListsTheVariantsTheFrameworkDefines_Exit5()
    {
        var report = Read(TestPaths.Broken("unknown_analysis_variant"));

        var finding = SingleBlocking(report, FindingCodes.UnknownAnalysisVariant);
        Assert.Equal(5, report.ExitCode);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal("analysis_variant", finding.Field);
        Assert.Contains("'populist_lens' is not defined by the framework (it defines: default)", finding.Message);
    }

    [Fact]
    public void EveryProblemIsReportedInOnePass()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Broken("duplicate_document_id"));
        temp.Replace("experiment.md", "  experiment_name: nano\n", string.Empty);
        File.WriteAllBytes(temp.File("corpus/library_reading_room_praise.txt"), [0x41, 0x00, 0x42]);

        var report = Read(temp.Path);

        var codes = report.Blocking.Select(f => f.Code).ToHashSet();
        Assert.Contains(FindingCodes.MissingField, codes);
        Assert.Contains(FindingCodes.DuplicateDocumentId, codes);
        Assert.Contains(FindingCodes.BinaryDocument, codes);
    }
}
