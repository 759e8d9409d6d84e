using System.Text.Json;
using Discernus.Experiments;
using Discernus.Tests.Experiments;

namespace Discernus.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public async Task Validate_ExitsZero_ForAValidExperiment()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", TestPaths.Project("nano"));

        Assert.True(exit == 0, cli.AllText);
        Assert.Contains("nano is valid (v10 layout)", cli.ConsoleText);
        Assert.Contains("2 document(s)", cli.ConsoleText);
        Assert.DoesNotContain("BLOCKING", cli.ConsoleText);
    }

    [Theory]
    [InlineData("missing_experiment_file", 3)]
    [InlineData("missing_framework_file", 3)]
    [InlineData("manifest_entry_file_missing", 3)]
    [InlineData("malformed_yaml", 5)]
    [InlineData("duplicate_document_id", 5)]
    [InlineData("yaml_alias_bomb", 5)]
    public async Task Validate_ExitCode_MatchesTheKindOfProblem(string fixture, int expected)
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", TestPaths.Broken(fixture));

        Assert.True(exit == expected, $"exit {exit}, expected {expected}\n{cli.AllText}");
        Assert.Contains("BLOCKING", cli.ConsoleText);
        Assert.Contains("is not valid", cli.ConsoleText);
        Assert.Contains("Nothing was run.", cli.ConsoleText);
    }

    [Fact]
    public async Task Validate_ExitsThree_WhenTheFolderDoesNotExist()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", Path.Combine(Path.GetTempPath(), "discernus-tests", "no-such-experiment"));

        Assert.Equal(3, exit);
        Assert.Contains("does not exist", cli.ConsoleText);
    }

    [Fact]
    public async Task Validate_UsesTheDocumentSizeLimitFromTheEnvironment()
    {
        var cli = new CliHarness(new Dictionary<string, string?> { ["DISCERNUS_MAX_DOCUMENT_BYTES"] = "100" });

        var exit = await cli.RunAsync("validate", TestPaths.Project("nano"));

        Assert.Equal(5, exit);
        Assert.Contains("over the 100-byte limit", cli.ConsoleText);
    }

    [Fact]
    public async Task Validate_PrintsFileLineAndFix_ForMalformedYaml()
    {
        var fixture = TestPaths.Broken("malformed_yaml");
        var line = FindingAssertions.LineNumberOf(Path.Combine(fixture, "experiment.md"), "   corpus: corpus.md");
        var cli = new CliHarness();

        await cli.RunAsync("validate", fixture);

        Assert.Contains($"experiment.md:{line}:", cli.ConsoleText);
        Assert.Contains("fix:", cli.ConsoleText);
    }

    [Fact]
    public async Task Validate_GroupsBlockingBeforeWarnings()
    {
        using var temp = TempExperiment.CopyOf(TestPaths.Warning("unlisted_corpus_file"));
        temp.Replace("corpus.md", "    document_id: nano_negative_road\n", "    document_id: nano_positive_library\n");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", temp.Path);

        Assert.Equal(5, exit);
        var text = cli.ConsoleText;
        var blocking = text.IndexOf("BLOCKING (1)", StringComparison.Ordinal);
        var warning = text.IndexOf("WARNING (", StringComparison.Ordinal);
        var duplicate = text.IndexOf("is used twice", StringComparison.Ordinal);
        var unlisted = text.IndexOf("harbour_notes.txt", StringComparison.Ordinal);
        Assert.True(blocking >= 0 && warning > blocking, text);
        Assert.InRange(duplicate, blocking, warning);
        Assert.True(unlisted > warning, text);
    }

    [Fact]
    public async Task Validate_ShowsWarnings_ButExitsZero()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", TestPaths.Warning("unknown_key"));

        Assert.Equal(0, exit);
        Assert.Contains("WARNING (1)", cli.ConsoleText);
        Assert.Contains("[favourite_colour]", cli.ConsoleText);
        Assert.DoesNotContain("BLOCKING", cli.ConsoleText);
    }

    [Fact]
    public async Task ValidateJson_ListsFindings_WithCodeFileFieldAndLine()
    {
        var fixture = TestPaths.Broken("duplicate_document_id");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", fixture, "--format", "json");

        Assert.Equal(5, exit);
        using var json = JsonDocument.Parse(cli.Out.ToString());
        var root = json.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal(5, root.GetProperty("exit_code").GetInt32());
        Assert.Equal(1, root.GetProperty("blocking").GetInt32());
        var finding = Assert.Single(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() == "blocking");
        Assert.Equal(FindingCodes.DuplicateDocumentId, finding.GetProperty("code").GetString());
        Assert.Equal("corpus.md", finding.GetProperty("file").GetString());
        Assert.Equal("documents.document_id", finding.GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Number, finding.GetProperty("line").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("fix").GetString()));
        Assert.Empty(cli.ConsoleText);
    }

    [Fact]
    public async Task ValidateJson_ListsThreeIndependentProblems_InOnePass()
    {
        // A missing corpus file, a bad formula and a misspelt hypothesis variable: none hides another.
        using var temp = TempExperiment.CopyOf(TestPaths.Project("nano"));
        File.Delete(temp.File("corpus/mill_road_complaint.txt"));
        temp.Replace("framework.md", "formula: \"dimensions.positive_sentiment.raw_score - dimensions.negative_sentiment.raw_score\"",
            "formula: \"dimension.positive_sentiment.raw_score - dimensions.negative_sentiment.raw_score\"");
        temp.Replace("experiment.md", "test: {variable: positive_sentiment, by: tone", "test: {variable: positive_sentimnt, by: tone");
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", temp.Path, "--format", "json");

        Assert.Equal(3, exit);
        using var json = JsonDocument.Parse(cli.Out.ToString());
        var blocking = json.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("severity").GetString() == "blocking")
            .Select(f => (Code: f.GetProperty("code").GetString(), File: f.GetProperty("file").GetString(), Field: f.GetProperty("field").GetString(), Message: f.GetProperty("message").GetString()!))
            .ToList();
        Assert.Equal(3, blocking.Count);
        Assert.Equal(3, json.RootElement.GetProperty("blocking").GetInt32());
        Assert.Contains(blocking, f => f.Code == FindingCodes.DocumentMissing && f.File == "corpus.md");
        Assert.Contains(blocking, f => f.Code == FindingCodes.DerivedMetricInvalid && f.Field == "derived_metrics.net_sentiment"
            && f.Message.Contains("'dimension' is not a dimension, a derived metric or a variable of this formula; did you mean 'dimensions'?", StringComparison.Ordinal));
        Assert.Contains(blocking, f => f.Code == FindingCodes.UnknownDimension && f.Field == "hypotheses.H1.test"
            && f.Message.Contains("did you mean 'positive_sentiment'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_SaysWhichChecksCouldNotRun_WhenTheFrameworkIsMissing()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", TestPaths.Broken("missing_framework_file"), "--format", "json");

        Assert.Equal(3, exit);
        using var json = JsonDocument.Parse(cli.Out.ToString());
        var notRun = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == FindingCodes.CheckNotRun);
        Assert.Contains("the framework could not be read, so the hypothesis variables", notRun.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ValidateJson_DescribesAValidExperiment()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", TestPaths.Project("academic_discourse"), "--format", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(cli.Out.ToString());
        var root = json.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal("academic_discourse", root.GetProperty("name").GetString());
        Assert.Equal("alpha", root.GetProperty("layout").GetString());
        Assert.Equal(20, root.GetProperty("documents").GetInt32());
        Assert.Equal(0, root.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task ValidateJson_ListsWarnings()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("validate", "--format", "json", TestPaths.Warning("spec_version_mismatch"));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(cli.Out.ToString());
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("warning", finding.GetProperty("severity").GetString());
        Assert.Equal(FindingCodes.SpecVersionMismatch, finding.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("validate", "--bogus")]
    [InlineData("validate", "--format", "xml")]
    [InlineData("validate")]
    [InlineData("frobnicate")]
    public async Task BadUsage_ExitsTwo_WithAnErrorOnStandardError(params string[] args)
    {
        var cli = new CliHarness();
        var withExperiment = args.Length > 1 && args[0] == "validate" ? [args[0], TestPaths.Project("nano"), .. args[1..]] : args;

        var exit = await cli.RunAsync(withExperiment);

        Assert.True(exit == 2, $"exit {exit}\n{cli.AllText}");
        Assert.Contains("error:", cli.Error.ToString());
    }

    [Fact]
    public async Task List_ShowsEveryExampleProjectAsValid()
    {
        var cli = new CliHarness();

        var exit = await cli.RunAsync("list", Path.Combine(TestPaths.RepositoryRoot, "projects"));

        Assert.Equal(0, exit);
        foreach (var project in new[] { "nano", "political_rhetoric", "institutional_communications", "academic_discourse" })
        {
            Assert.Contains(project, cli.ConsoleText);
        }

        Assert.DoesNotContain("invalid", cli.ConsoleText);
    }
}
