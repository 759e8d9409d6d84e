using System.Text;
using Discernus.Experiments;

namespace Discernus.Tests.Experiments;

/// <summary>Inputs found in review: links, output folders, big manifests and broken appendices.</summary>
public sealed class ExperimentReaderRobustnessTests
{
    private static ValidationReport Read(string path) => new ExperimentReader().Read(path);

    [Fact]
    public void LinkToAFolderInsideTheCorpus_IsNotFollowed()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        Directory.CreateSymbolicLink(temp.File("corpus/loop"), ".");
        Directory.CreateSymbolicLink(temp.File("corpus/machine"), "/");

        var report = Read(temp.Path);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(2, report.Experiment!.Corpus.Documents.Count);
        Assert.Equal(2, report.Warnings.Count(w => w.Message.Contains("symbolic link to a folder", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("etc", StringComparison.Ordinal));
    }

    [Fact]
    public void ManifestWithoutDocumentsList_AndAFolderLink_TakesEachFileOnce()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Valid("corpus_without_documents"));
        var before = Read(temp.Path).Experiment!.Corpus.Documents.Count;
        Directory.CreateSymbolicLink(temp.File("corpus/loop"), ".");

        var report = Read(temp.Path);

        Assert.Equal(before, report.Experiment!.Corpus.Documents.Count);
    }

    [Fact]
    public void AlphaCorpusAtTheExperimentRoot_NeverTakesRunOutputsForDocuments()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("academic_discourse"));
        temp.Replace("experiment.yaml", "corpus_path: corpus", "corpus_path: .");
        foreach (var file in Directory.GetFiles(temp.File("corpus"), "*.txt").Append(temp.File("corpus/corpus.md")))
        {
            File.Move(file, temp.File(Path.GetFileName(file)));
        }

        Directory.CreateDirectory(temp.File("runs/20260101T000000Z-abcdef/assets"));
        File.WriteAllText(temp.File("runs/20260101T000000Z-abcdef/assets/deadbeef.txt"), "an earlier run's asset");

        var report = Read(temp.Path);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(20, report.Experiment!.Corpus.Documents.Count);
        Assert.DoesNotContain(report.Experiment.Corpus.Documents, d => d.RelativePath.StartsWith("runs/", StringComparison.Ordinal));
    }

    [Fact]
    public void LargeManifestWithoutAliases_IsNotMistakenForAnAliasBomb()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var manifest = new StringBuilder("# Corpus\n\n```yaml\nname: big\ndocuments:\n");
        for (var i = 0; i < 6000; i++)
        {
            var name = $"doc_{i:D5}.txt";
            File.WriteAllText(temp.File($"corpus/{name}"), $"Document {i} is wonderful and helpful.\n");
            manifest.Append($"  - filename: {name}\n    document_id: d{i}\n    metadata: {{tone: positive, topic: t{i % 7}, source: s, batch: b{i % 3}, n: \"{i}\"}}\n");
        }

        foreach (var original in new[] { "library_reading_room_praise.txt", "mill_road_complaint.txt" })
        {
            File.Delete(temp.File($"corpus/{original}"));
        }

        File.WriteAllText(temp.File("corpus.md"), manifest.Append("```\n").ToString());

        var report = Read(temp.Path);

        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.YamlAliasBomb);
        Assert.Equal(6000, report.Experiment!.Corpus.Documents.Count);
    }

    [Fact]
    public void BrokenLastBlockThatLooksLikeTheAppendix_Blocks_InsteadOfUsingAnEarlierExample()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.AppendAllText(temp.File("experiment.md"), "\n```yaml\nmetadata:\n  experiment_name: nano_v2\n  author: [unclosed\ncomponents:\n  framework: framework.md\n```\n");

        var report = Read(temp.Path);

        Assert.Equal(5, report.ExitCode);
        var finding = Assert.Single(report.Blocking);
        Assert.Equal(FindingCodes.MalformedYaml, finding.Code);
        Assert.Equal("experiment.md", finding.File);
    }

    [Fact]
    public void EmptyDocumentsKey_FallsBackToEveryFile_WithAWarning()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var text = File.ReadAllText(temp.File("corpus.md"));
        var start = text.IndexOf("documents:", StringComparison.Ordinal);
        var end = text.LastIndexOf("```", StringComparison.Ordinal);
        File.WriteAllText(temp.File("corpus.md"), text[..start] + "documents:\n" + text[end..]);

        var report = Read(temp.Path);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(2, report.Experiment!.Corpus.Documents.Count);
        Assert.Contains(report.Warnings, w => w.Code == FindingCodes.ManifestWithoutDocuments);
    }

    [Fact]
    public void HypothesesAsAMapping_AreKept()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var text = File.ReadAllText(temp.File("experiment.md"));
        var start = text.IndexOf("hypotheses:", StringComparison.Ordinal);
        var end = text.IndexOf("grouping:", StringComparison.Ordinal);
        File.WriteAllText(temp.File("experiment.md"), text[..start] + "hypotheses:\n  H1: \"positive beats negative\"\n  H2: \"negative is rarer\"\n" + text[end..]);

        var report = Read(temp.Path);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(["H1", "H2"], report.Experiment!.Hypotheses.Select(h => h.Id));
        Assert.Equal("positive beats negative", report.Experiment.Hypotheses[0].Description);
    }
}
