using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using Discernus.Tests.Orchestration;
using Parquet.Serialization;

namespace Discernus.Tests.Cli;

/// <summary>Exports (in the run folder and by `discernus export`), `discernus logs`, JSON output and exit codes.</summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class RunOutputCommandsTests(RunOutputFixture fixture) : IClassFixture<RunOutputFixture>
{
    private string Folder => fixture.Run.Folder;

    private CliHarness Cli() => fixture.Sandbox.NewHarness();

    private int EvidenceCount() => RunFolderChecks.AnalysisResults(Folder)
        .Sum(r => r["framework_analysis"]!.AsObject().Sum(d => d.Value!["evidence"]!.AsArray().Count));

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Select(r => ((IDictionary<string, object>)r).ToDictionary(kv => kv.Key, kv => (string)kv.Value)).ToList();
    }

    private static async Task<(List<string> Columns, List<IDictionary<string, object?>> Rows)> ReadParquetAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        var result = await ParquetSerializer.DeserializeUntypedAsync(stream);
        return (result.Schema.GetDataFields().Select(f => f.Name).ToList(), result.Data.Select(d => (IDictionary<string, object?>)d!).ToList());
    }

    [Fact]
    public async Task RunFolderExports_LoadBack_WithTheRightRowCounts_InCsvAndParquet()
    {
        var exports = Path.Combine(Folder, "results", "exports");
        var expected = new Dictionary<string, int> { ["scores"] = 20, ["derived_metrics"] = 20 * 3, ["evidence"] = EvidenceCount() };
        Assert.True(expected["evidence"] > 0);
        foreach (var (table, rows) in expected)
        {
            var csv = ReadCsv(Path.Combine(exports, $"{table}.csv"));
            var (columns, parquet) = await ReadParquetAsync(Path.Combine(exports, $"{table}.parquet"));
            Assert.Equal(rows, csv.Count);
            Assert.Equal(rows, parquet.Count);
            Assert.Equal(csv[0].Keys, columns);
        }

        var derived = ReadCsv(Path.Combine(exports, "derived_metrics.csv"));
        Assert.Equal(["document_id", "document_name", "model", "run", "metric", "value", "era", "party", "president", "year"], derived[0].Keys);
        var (_, derivedParquet) = await ReadParquetAsync(Path.Combine(exports, "derived_metrics.parquet"));
        for (var i = 0; i < derived.Count; i++)
        {
            var value = derivedParquet[i]["value"] is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
            Assert.Equal(derived[i]["value"], value);
            Assert.Equal(derived[i]["document_id"], derivedParquet[i]["document_id"]);
        }

        var evidence = ReadCsv(Path.Combine(exports, "evidence.csv"));
        Assert.Equal(["document_id", "dimension", "quote", "verified", "model", "run"], evidence[0].Keys);
        Assert.All(evidence, e => Assert.Equal("true", e["verified"]));
        Assert.Equal(File.ReadAllText(Path.Combine(Folder, "results", "synthesis", "statistics.json")), File.ReadAllText(Path.Combine(exports, "statistics.json")));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    [InlineData("json")]
    public async Task ExportCommand_WritesEveryTable_WithTheRunsRows(string format)
    {
        var cli = Cli();
        var target = fixture.Sandbox.Experiment.Outside($"export-{format}");

        var exit = await cli.RunAsync("export", Folder, "--to", format, "-o", target, "--format", format == "json" ? "json" : "text");

        Assert.True(exit == 0, cli.AllText);
        var evidence = Path.Combine(target, $"evidence.{format}");
        var count = format switch
        {
            "csv" => ReadCsv(evidence).Count,
            "parquet" => (await ReadParquetAsync(evidence)).Rows.Count,
            _ => JsonNode.Parse(File.ReadAllText(evidence))!.AsArray().Count,
        };
        Assert.Equal(EvidenceCount(), count);
        Assert.True(File.Exists(Path.Combine(target, "statistics.json")));
        if (format != "json")
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(Folder, "results", "exports", $"scores.{format}")), File.ReadAllBytes(Path.Combine(target, $"scores.{format}")));
        }
        else
        {
            var listing = JsonNode.Parse(cli.Out.ToString())!;
            Assert.Equal(4, listing["files"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task Logs_FilterByStageAndLevel_InTimeOrder_AsTextOrJson()
    {
        var cli = Cli();
        Assert.Equal(0, await cli.RunAsync("logs", Folder, "--stage", "synthesis", "--format", "json"));
        var lines = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Equal("synthesis", (string?)l["stage"]));
        var times = lines.Select(l => (string)l["timestamp"]!).ToList();
        Assert.Equal(times.Order(StringComparer.Ordinal), times);

        var all = Cli();
        Assert.Equal(0, await all.RunAsync("logs", Folder, "--tail"));
        var text = all.Out.ToString();
        Assert.Contains(" INFO    batch_analysis ", text);
        var warnings = Cli();
        Assert.Equal(0, await warnings.RunAsync("logs", Folder, "--level", "warning"));
        Assert.DoesNotContain(" INFO ", warnings.Out.ToString());
    }

    [Fact]
    public async Task Verify_AcceptsAnySpellingOfTheRunFolder()
    {
        var parent = Path.GetDirectoryName(Folder)!;
        var link = fixture.Sandbox.Experiment.Outside("runs-link");
        Directory.CreateSymbolicLink(link, parent);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Folder);
        foreach (var spelling in new[] { Folder + "/", Folder + "/.", "./" + relative, Path.Combine(link, Path.GetFileName(Folder)) + "/" })
        {
            var cli = Cli();
            var exit = await cli.RunAsync("verify", spelling);
            Assert.True(exit == 0, $"{spelling}:\n{cli.AllText}");
        }
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("status")]
    [InlineData("logs")]
    [InlineData("export")]
    public async Task APathThatIsNotARunFolder_IsExit3_ForEveryCommand_AsTextAndAsJson(string command)
    {
        var text = Cli();
        Assert.Equal(3, await text.RunAsync(command, fixture.Sandbox.ExperimentPath));
        Assert.Contains("is not a run folder: it has no manifest.json", text.Error.ToString());

        var json = Cli();
        Assert.Equal(3, await json.RunAsync(command, fixture.Sandbox.ExperimentPath, "--format", "json"));
        var error = JsonNode.Parse(json.Out.ToString())!["error"]!;
        Assert.Equal(3, error["exit_code"]!.GetValue<int>());
        Assert.Equal("file_missing", (string?)error["kind"]);
    }

    [Fact]
    public async Task VerifyAndListAndStatus_PrintJson()
    {
        var verify = Cli();
        Assert.Equal(0, await verify.RunAsync("verify", Folder, "--format", "json"));
        var result = JsonNode.Parse(verify.Out.ToString())!;
        Assert.True(result["verified"]!.GetValue<bool>());
        Assert.Equal(RunFolderChecks.Manifest(Folder)["files"]!.AsArray().Count, result["files_checked"]!.GetValue<int>());

        var list = Cli();
        Assert.Equal(0, await list.RunAsync("list", Path.GetDirectoryName(fixture.Sandbox.ExperimentPath)!, "--format", "json"));
        var experiment = Assert.Single(JsonNode.Parse(list.Out.ToString())!["experiments"]!.AsArray());
        Assert.Equal(1, experiment!["runs"]!.GetValue<int>());
        Assert.True(experiment["valid"]!.GetValue<bool>());

        var status = Cli();
        Assert.Equal(0, await status.RunAsync("status", Folder + "/", "--format", "json"));
        Assert.Equal("completed", (string?)JsonNode.Parse(status.Out.ToString())!["status"]);
    }

    [Fact]
    public async Task Help_ListsTheExitCodes()
    {
        var cli = Cli();
        await cli.RunAsync("--help");

        Assert.Contains("Exit codes (the same for every command)", cli.AllText);
        Assert.Contains("3  a file or folder is missing or unreadable, including a path that is not a run folder", cli.AllText);
    }
}
