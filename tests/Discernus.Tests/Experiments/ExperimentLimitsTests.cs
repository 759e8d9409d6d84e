using System.Text;
using Discernus.Experiments;

namespace Discernus.Tests.Experiments;

/// <summary>
/// Issue 14's allowed inputs that never finished, now refused by a limit with its setting, and the one name rule
/// (dimensions, derived metrics, metadata keys) with direction controls refused.
/// </summary>
public sealed class ExperimentLimitsTests
{
    private static ValidationReport Read(string path, ExperimentLimits? limits = null) => new ExperimentReader(limits ?? new ExperimentLimits()).Read(path);

    [Fact]
    public void OneMegabyteMetadataValue_IsRefused_NamingTheSetting()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("corpus.md", "      topic: library", $"      topic: \"{new string('x', 1_000_000)}\"");

        var report = Read(temp.Path);

        var finding = FindingAssertions.SingleBlocking(report, FindingCodes.MetadataValueTooLong);
        Assert.Equal("corpus.md", finding.File);
        Assert.Equal("documents[0].metadata.topic", finding.Field);
        Assert.Contains("1,000,000 characters, over the limit of 10,000", finding.Message);
        Assert.Contains("DISCERNUS_MAX_METADATA_CHARS", finding.Fix);
        Assert.Equal(5, report.ExitCode);
    }

    [Fact]
    public void FiveHundredDimensions_AreRefused_NamingTheSetting()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var dimensions = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            dimensions.Append($"  - name: dimension_{i}\n    description: \"Dimension {i}.\"\n    markers:\n      positive_examples: [\"word{i}\"]\n");
        }

        var framework = File.ReadAllText(temp.File("framework.md"));
        var start = framework.IndexOf("\ndimensions:\n", StringComparison.Ordinal) + 1;
        var end = framework.IndexOf("\nderived_metrics:", StringComparison.Ordinal) + 1;
        File.WriteAllText(temp.File("framework.md"), framework[..start] + "dimensions:\n" + dimensions + framework[end..]);

        var report = Read(temp.Path);
        var raised = Read(temp.Path, new ExperimentLimits { MaxDimensions = 500 });

        var finding = FindingAssertions.SingleBlocking(report, FindingCodes.TooManyDimensions);
        Assert.Contains("declares 500 dimensions, over the limit of 100", finding.Message);
        Assert.Contains("DISCERNUS_MAX_DIMENSIONS", finding.Fix);
        Assert.DoesNotContain(raised.Blocking, f => f.Code == FindingCodes.TooManyDimensions);
        Assert.Equal(100, ExperimentLimits.FromEnvironment(new Dictionary<string, string?>()).MaxDimensions);
        Assert.Equal(500, ExperimentLimits.FromEnvironment(new Dictionary<string, string?> { ["DISCERNUS_MAX_DIMENSIONS"] = "500" }).MaxDimensions);
    }

    [Fact]
    public void HundredThousandMissingFiles_GiveFiftyFindings_AndOneSummary()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var entries = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            entries.Append($"  - filename: missing_{i}.txt\n");
        }

        temp.Replace("corpus.md", "documents:\n", "documents:\n" + entries);

        var report = Read(temp.Path);

        var missing = report.Blocking.Where(f => f.Code == FindingCodes.DocumentMissing).ToList();
        Assert.Equal(51, missing.Count);
        Assert.StartsWith("and 99,950 more missing files like the 50 above", missing[^1].Message);
        Assert.Contains("missing_50.txt", missing[^1].Message);
        Assert.Equal(3, report.ExitCode);
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a,b\\\"c")]
    [InlineData("positive\u202Eevitagen")]
    [InlineData("+cmd")]
    [InlineData("9lives")]
    public void DimensionNames_FollowTheNameRule(string name)
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("framework.md", "name: positive_sentiment", $"name: \"{name}\"");

        var report = Read(temp.Path);

        var finding = FindingAssertions.SingleBlocking(report, FindingCodes.InvalidName);
        Assert.Contains("is not a name", finding.Message);
        Assert.Contains("ASCII letter or underscore", finding.Fix);
        Assert.DoesNotContain("\u202E", finding.Message);
    }

    [Fact]
    public void MetadataKeysAndMetricNames_FollowTheSameRule()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        temp.Replace("corpus.md", "      topic: library", "      \"@SUM(1)\": library");
        temp.Replace("framework.md", "name: net_sentiment", "name: \"net\u202Esentiment\"");

        var report = Read(temp.Path);

        var names = report.Blocking.Where(f => f.Code == FindingCodes.InvalidName).ToList();
        Assert.Equal(2, names.Count);
        Assert.Contains(names, f => f.Message.Contains("metadata key '@SUM(1)'", StringComparison.Ordinal));
        Assert.Contains(names, f => f.Message.Contains("U+202E", StringComparison.Ordinal));
    }

    [Fact]
    public void ExperimentWithCarriageReturnLineEndings_SaysSo()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.WriteAllText(temp.File("experiment.md"), File.ReadAllText(temp.File("experiment.md")).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\n', '\r'));

        var finding = FindingAssertions.SingleBlocking(Read(temp.Path), FindingCodes.OldMacLineEndings);

        Assert.Equal("experiment.md", finding.File);
        Assert.Contains("carriage return alone", finding.Message);
        Assert.Contains("LF", finding.Fix);
    }

    [Fact]
    public void LargeGoldFile_IsReadUnderItsOwnLimit_AndPastItSaysWhatAGoldFileHolds()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        var rows = new StringBuilder("document_id,dimension,score,coder,note\n");
        while (rows.Length < 6_000_000)
        {
            rows.Append("nano_positive_library,positive_sentiment,0.9,ann,").Append('x', 200).Append('\n');
        }

        File.WriteAllText(temp.File("gold.csv"), rows.ToString());

        var accepted = Read(temp.Path);
        var refused = Read(temp.Path, new ExperimentLimits { MaxGoldFileBytes = 1_000_000 });

        Assert.DoesNotContain(accepted.Blocking, f => f.File == "gold.csv");
        var finding = FindingAssertions.SingleBlocking(refused, FindingCodes.GoldFileTooLarge);
        Assert.Contains("limit for gold files", finding.Message);
        Assert.Contains("one short row per coder, document and dimension", finding.Fix);
        Assert.DoesNotContain("YAML appendix", finding.Fix);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, 0, 0, (byte)'h', 0, 0, 0, (byte)'i', 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0xFE, 0xFF, 0, 0, 0, (byte)'h', 0, 0, 0, (byte)'i' })]
    public void Utf32Document_IsAnEncodingFinding_NotUtf16Text(byte[] bytes)
    {
        var text = DocumentTextExtractor.Extract("a.txt", bytes, new ExperimentLimits());

        Assert.Equal(FindingCodes.UnsupportedEncoding, text.ProblemCode);
        Assert.Contains("UTF-32", text.Problem);
        Assert.Contains("iconv -f UTF-32", text.Fix);
    }

    [Fact]
    public void Utf16DocumentHoldingANul_IsBinary_AsInUtf8()
    {
        var text = DocumentTextExtractor.Extract("a.txt", [0xFF, 0xFE, (byte)'h', 0, 0, 0, (byte)'i', 0], new ExperimentLimits());

        Assert.Equal(FindingCodes.BinaryDocument, text.ProblemCode);
    }

    [Theory]
    [InlineData("moral_outrage", true)]
    [InlineData("_private", true)]
    [InlineData("Year2020", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("café", false)]
    [InlineData("a\u2066b", false)]
    [InlineData("-1", false)]
    [InlineData("\tname", false)]
    public void NameRule_AcceptsIdentifiersOnly(string name, bool valid)
    {
        Assert.Equal(valid, NameRule.IsValid(name));
        Assert.False(NameRule.IsValid(new string('a', NameRule.MaxLength + 1)));
    }
}
