using System.Text;
using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>Edge cases built on temporary copies of projects/nano.</summary>
public sealed class ExperimentReaderEdgeTests
{
    private static ValidationReport Read(string path) => new ExperimentReader().Read(path);

    [Fact]
    public void DotDotComponentPath_IsPathEscape()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Copy(temp.File("framework.md"), temp.Outside("framework.md"));
        temp.Replace("experiment.md", "  framework: framework.md\n", "  framework: ../framework.md\n");

        var finding = SingleBlocking(Read(temp.Path), FindingCodes.PathEscapes);

        Assert.Equal("components.framework", finding.Field);
        Assert.Contains("through '..'", finding.Message);
    }

    [Fact]
    public void CrlfLineEndingsAndByteOrderMark_AreAccepted_AndLinesStillMatchTheFile()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Warning("unknown_key"));
        var text = File.ReadAllText(temp.File("experiment.md")).Replace("\n", "\r\n", StringComparison.Ordinal);
        File.WriteAllText(temp.File("experiment.md"), text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var report = Read(temp.Path);

        Valid(report);
        var warning = SingleWarning(report, FindingCodes.UnknownKey);
        Assert.Equal(LineNumberOf(TestPaths.Warning("unknown_key") + "/experiment.md", "favourite_colour: teal"), warning.Line);
    }

    [Fact]
    public void BrokenCorpusManifest_AfterAnExampleBlock_IsReported()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("corpus.md", "## Machine-Readable Manifest\n",
            "## Example\n\n```yaml\nname: example_only\n```\n\n## Machine-Readable Manifest\n");
        temp.Replace("corpus.md", "    document_id: nano_negative_road\n", "    document_id: \"nano_negative_road\n");

        var report = Read(temp.Path);

        Assert.False(report.IsValid, $"a manifest that does not parse must not be skipped silently:\n{Describe(report)}");
        Assert.Contains(report.Blocking, f => f.Code == FindingCodes.MalformedYaml && f.File == "corpus.md");
    }

    [Fact]
    public void ExperimentFileThatIsNotUtf8_IsFileUnreadable_Exit3()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.AppendAllText(temp.File("experiment.md"), "\nCaf\u00e9 notes\n", Encoding.Latin1);

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.FileUnreadable);
        Assert.Equal("experiment.md", finding.File);
        Assert.Contains("not valid UTF-8", finding.Message);
        Assert.Equal(3, report.ExitCode);
    }

    [Fact]
    public void ExperimentNameThatIsNotSnakeCase_IsAWarning()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "  experiment_name: nano\n", "  experiment_name: Nano Experiment\n");

        var report = Read(temp.Path);

        Valid(report);
        Assert.Equal("metadata.experiment_name", SingleWarning(report, FindingCodes.NameNotSnakeCase).Field);
    }

    [Fact]
    public void RunsPerModelOutOfRange_IsInvalidField()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "grouping:\n", "runs_per_model: 0\ngrouping:\n");

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.InvalidField);
        Assert.Equal("runs_per_model", finding.Field);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public void ReliabilityThresholdAboveOne_IsInvalidField()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("experiment.md", "grouping:\n", "reliability_filtering:\n  salience_threshold: 1.5\ngrouping:\n");

        var finding = SingleBlocking(Read(temp.Path), FindingCodes.InvalidField);

        Assert.Equal("reliability_filtering.salience_threshold", finding.Field);
    }

    [Fact]
    public void DuplicateDimensionName_IsBlocking()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("framework.md", "  - name: negative_sentiment\n", "  - name: positive_sentiment\n");

        var finding = SingleBlocking(Read(temp.Path), FindingCodes.DuplicateDimension);

        Assert.Equal("framework.md", finding.File);
        Assert.Contains("'positive_sentiment' is declared twice", finding.Message);
    }

    [Fact]
    public void UnsupportedDocumentType_ListedInTheManifest_IsBlocking()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Move(temp.File("corpus/mill_road_complaint.txt"), temp.File("corpus/mill_road_complaint.rtf"));
        temp.Replace("corpus.md", "  - filename: mill_road_complaint.txt\n", "  - filename: mill_road_complaint.rtf\n");

        var finding = SingleBlocking(Read(temp.Path), FindingCodes.UnsupportedDocument);

        Assert.Equal("corpus/mill_road_complaint.rtf", finding.File);
    }
}
