using System.Text;
using Discernus.Experiments;
using static Discernus.Tests.Experiments.FindingAssertions;

namespace Discernus.Tests.Experiments;

/// <summary>
/// Deeply nested YAML once overflowed the stack (exit 134, which .NET cannot catch). The depth is now checked on the
/// parser's event stream before the loader recurses, and breaking the limit is a blocking finding.
/// </summary>
public sealed class ExperimentReaderYamlDepthTests
{
    private const int ReviewDepth = 20_000;

    private static ValidationReport Read(string path) => new ExperimentReader().Read(path);

    /// <summary>The appendix line after which a nested value is inserted, per file of the nano example.</summary>
    private static string AnchorLine(string file) => file switch
    {
        "experiment.md" => "  experiment_name: nano",
        "framework.md" => "  framework_name: nano_sentiment",
        _ => "total_documents: 2",
    };

    private static string NestedFlowMappings(int depth) =>
        new StringBuilder().Insert(0, "{a: ", depth).Append('1').Append('}', depth).ToString();

    [Theory]
    [InlineData("experiment.md")]
    [InlineData("framework.md")]
    [InlineData("corpus.md")]
    public void DeeplyNestedFlowMapping_IsABlockingFinding_AtItsPosition_NotAStackOverflow(string file)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var anchor = AnchorLine(file);
        // A top-level key, so the mapping's first brace sits at depth 2 (the appendix itself is depth 1).
        var line = "deep: " + NestedFlowMappings(ReviewDepth);
        temp.Replace(file, anchor + "\n", anchor + "\n" + (file == "corpus.md" ? line : "  " + line) + "\n");
        var lineNumber = LineNumberOf(temp.File(file), file == "corpus.md" ? line : "  " + line);

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.YamlTooDeep);
        Assert.Equal(file, finding.File);
        Assert.Equal(lineNumber, finding.Line);
        // Inside `metadata` the first brace is level 3, at the top level 2: level 65 is brace 63 or 64.
        var braceAtLimit = file == "corpus.md" ? 64 : 63;
        Assert.Equal(NthIndexOf(File.ReadAllLines(temp.File(file))[lineNumber - 1], '{', braceAtLimit) + 1, finding.Column);
        Assert.Contains("deeper than 64 levels", finding.Message);
        Assert.Contains("flatten", finding.Fix);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public void DeeplyNestedBlockSequence_OnOneLine_IsABlockingFinding()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        // "- - - x" nests one block sequence per dash: 20,000 levels in 40 kB.
        temp.Replace("experiment.md", "grouping:\n  - tone\n",
            "grouping:\n  - tone\ndeep:\n  " + new StringBuilder().Insert(0, "- ", ReviewDepth) + "x\n");

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.YamlTooDeep);
        Assert.Equal("experiment.md", finding.File);
        Assert.Equal(LineNumberOf(temp.File("experiment.md"), "deep:") + 1, finding.Line);
    }

    [Fact]
    public void AliasChain_CountsAsDeepAsWhatItExpandsTo()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        // Each list holds the previous one: shallow as written, 20,000 levels deep when read as a tree.
        var chain = new StringBuilder("chain0: &c0 [x]\n");
        for (var i = 1; i < ReviewDepth; i++)
        {
            chain.Append(System.Globalization.CultureInfo.InvariantCulture, $"chain{i}: &c{i} [*c{i - 1}]\n");
        }

        temp.Replace("corpus.md", "total_documents: 2\n", "total_documents: 2\n" + chain);

        var report = Read(temp.Path);

        var finding = SingleBlocking(report, FindingCodes.YamlTooDeep);
        Assert.Equal("corpus.md", finding.File);
        // chainN holds N+1 nested lists inside the appendix mapping: chain63 is the first to pass 64 levels.
        Assert.Equal(LineNumberOf(temp.File("corpus.md"), "chain63: &c63 [*c62]"), finding.Line);
    }

    [Fact]
    public void AlphaExperimentYaml_TooDeep_IsABlockingFinding()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("academic_discourse"));
        File.AppendAllText(temp.File("experiment.yaml"), "\ndeep: " + NestedFlowMappings(ReviewDepth) + "\n");

        var report = Read(temp.Path);

        Assert.Equal("experiment.yaml", SingleBlocking(report, FindingCodes.YamlTooDeep).File);
    }

    [Fact]
    public void NestingAtTheLimit_IsAccepted()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        // The appendix mapping is level 1, so 63 nested mappings under a top-level key reach exactly 64.
        temp.Replace("corpus.md", "total_documents: 2\n", "total_documents: 2\ndeep: " + NestedFlowMappings(63) + "\n");

        Valid(Read(temp.Path));
    }

    [Fact]
    public void FrameworkParsedFromText_TooDeep_IsAFinding()
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Project("nano"), "framework.md"))
            .Replace("  framework_name: nano_sentiment\n", "  framework_name: nano_sentiment\n  deep: " + NestedFlowMappings(ReviewDepth) + "\n", StringComparison.Ordinal);

        var framework = ExperimentReader.ParseFramework(text, "framework.md", "default", out var findings);

        Assert.Null(framework);
        Assert.Contains(findings, f => f.Code == FindingCodes.YamlTooDeep);
    }

    private static int NthIndexOf(string text, char c, int n)
    {
        var at = -1;
        for (var i = 0; i < n; i++)
        {
            at = text.IndexOf(c, at + 1);
        }

        return at;
    }
}
