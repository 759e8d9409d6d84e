using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Discernus.Tests.Cli;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// Checks of a finished run folder against ARCHITECTURE "Run folder" and SPEC §5/§7. They read the raw JSON and
/// Markdown (not the library's own records), so a field the library renamed or dropped is caught.
/// </summary>
internal static partial class RunFolderChecks
{
    public static readonly string[] ReportSections = ["## Executive Summary", "## Key Findings", "## Methodology", "## Detailed Findings", "## Hypotheses", "## Appendix"];

    private static readonly string[] StandardLogFields = ["timestamp", "run_id", "agent_name", "stage", "log_level", "message"];
    private static readonly string[] StageOrder = ["validation", "run_setup", "batch_analysis", "synthesis", "report"];
    private static readonly string[] Ellipses = ["[...]", "[…]", "...", "…"];

    public static JsonObject Manifest(string runFolder) => ReadObject(Path.Combine(runFolder, "manifest.json"));

    public static JsonObject ReadObject(string path) =>
        JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{path} holds no JSON object");

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The corpus documents as files: every .txt under corpus/, keyed by the SHA-256 of its bytes.</summary>
    public static Dictionary<string, CorpusFile> CorpusFiles(string experimentPath)
    {
        var corpus = Path.Combine(experimentPath, "corpus");
        var files = Directory.EnumerateFiles(corpus, "*.txt", SearchOption.AllDirectories)
            .Select(path =>
            {
                var bytes = File.ReadAllBytes(path);
                return new CorpusFile(Path.GetRelativePath(corpus, path).Replace('\\', '/'), Sha256(bytes), Encoding.UTF8.GetString(bytes));
            })
            .ToList();
        Assert.NotEmpty(files);
        return files.ToDictionary(f => f.Sha256, StringComparer.Ordinal);
    }

    /// <summary>results/batch_analysis/*.json, each checked to be named by the SHA-256 of its bytes.</summary>
    public static List<JsonObject> AnalysisResults(string runFolder)
    {
        var folder = Path.Combine(runFolder, "results", "batch_analysis");
        Assert.True(Directory.Exists(folder), $"{folder} is missing");
        var results = new List<JsonObject>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal(".json", Path.GetExtension(file));
            Assert.Equal(Sha256(bytes), Path.GetFileNameWithoutExtension(file));
            results.Add(JsonNode.Parse(bytes)!.AsObject());
        }

        return results;
    }

    /// <summary>Each corpus document has exactly one result, and every result is one of the corpus documents.</summary>
    public static void AssertOneResultPerDocument(string runFolder, string experimentPath)
    {
        var corpus = CorpusFiles(experimentPath);
        var results = AnalysisResults(runFolder);
        var ids = results.Select(r => (string?)r["document_id"]).ToList();
        foreach (var document in corpus.Values)
        {
            Assert.True(ids.Count(id => id == document.Sha256) == 1,
                $"{document.RelativePath} ({document.Sha256}) has {ids.Count(id => id == document.Sha256)} results, expected exactly one");
        }

        Assert.All(ids, id => Assert.True(id is not null && corpus.ContainsKey(id), $"result for document {id} that is not in the corpus"));
        Assert.Equal(corpus.Count, results.Count);
    }

    /// <summary>SPEC §5: every field of the per-document result, consistent with the manifest.</summary>
    public static void AssertResultsFollowSpec(string runFolder, string experimentPath, string expectedModel)
    {
        var manifest = Manifest(runFolder);
        var corpus = CorpusFiles(experimentPath);
        var dimensions = Strings(manifest["framework"]!["dimensions"]);
        var derived = Strings(manifest["framework"]!["derived_metrics"]);
        Assert.NotEmpty(dimensions);
        var frameworkHash = (string?)manifest["framework"]!["sha256"];
        var promptHash = manifest["prompts"]!.AsArray().Single(p => (string?)p!["name"] == "analyse_document")!["sha256"]!.GetValue<string>();
        var manifestDocuments = manifest["documents"]!.AsArray().Select(d => d!.AsObject()).ToDictionary(d => (string)d["text_sha256"]!, StringComparer.Ordinal);

        var results = AnalysisResults(runFolder);
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            var id = (string?)result["document_id"];
            Assert.Matches("^[0-9a-f]{64}$", id);
            Assert.True(corpus.TryGetValue(id!, out var file), $"document_id {id} is not the SHA-256 of a corpus file");
            var context = $"result of {file!.RelativePath}";
            Assert.True(file.RelativePath == (string?)result["document_name"], $"{context}: document_name {result["document_name"]}");
            var listed = manifestDocuments[id!];
            Assert.True((string?)listed["document_id"] == (string?)result["corpus_document_id"], $"{context}: corpus_document_id {result["corpus_document_id"]}, manifest says {listed["document_id"]}");
            Assert.False(string.IsNullOrWhiteSpace((string?)result["corpus_document_id"]), context);

            var metadata = Assert.IsType<JsonObject>(result["metadata"]);
            var listedMetadata = listed["metadata"]!.AsObject();
            Assert.True(JsonNode.DeepEquals(listedMetadata, metadata), $"{context}: metadata {metadata.ToJsonString()} differs from the manifest's {listedMetadata.ToJsonString()}");

            var analysis = Assert.IsType<JsonObject>(result["framework_analysis"]);
            foreach (var dimension in dimensions)
            {
                Assert.True(analysis[dimension] is JsonObject, $"{context}: framework_analysis has no '{dimension}'");
                var scores = analysis[dimension]!.AsObject();
                foreach (var field in new[] { "score", "salience", "confidence" })
                {
                    var value = scores[field];
                    if (value is null)
                    {
                        Assert.False(string.IsNullOrWhiteSpace((string?)scores["not_scorable_reason"]), $"{context}: {dimension}.{field} is null without a not_scorable_reason");
                        continue;
                    }

                    var number = value.GetValue<double>();
                    Assert.True(number is >= 0 and <= 1, $"{context}: {dimension}.{field} = {number} is outside 0-1");
                }

                var evidence = Assert.IsType<JsonArray>(scores["evidence"]);
                Assert.All(evidence, quote =>
                {
                    Assert.False(string.IsNullOrWhiteSpace((string?)quote!["quote"]), $"{context}: an evidence entry of {dimension} has no quote");
                    Assert.True(quote["verified"] is JsonValue verified && verified.TryGetValue<bool>(out _), $"{context}: an evidence entry of {dimension} has no boolean 'verified'");
                });
            }

            var metrics = Assert.IsType<JsonObject>(result["derived_metrics"]);
            foreach (var name in derived)
            {
                Assert.True(metrics.ContainsKey(name), $"{context}: derived_metrics has no '{name}'");
                Assert.True(metrics[name] is null || metrics[name]!.GetValue<double>() is var v && double.IsFinite(v), $"{context}: derived metric {name} is not a number or null");
            }

            var meta = Assert.IsType<JsonObject>(result["processing_metadata"]);
            Assert.Equal(expectedModel, (string?)meta["model"]);
            Assert.Equal(promptHash, (string?)meta["prompt_hash"]);
            Assert.Equal(frameworkHash, (string?)meta["framework_hash"]);
            AssertUtcTimestamp((string?)meta["timestamp"], $"{context}: processing_metadata.timestamp");
            Assert.True(meta["run"]!.GetValue<int>() >= 1, context);
            Assert.True(meta["attempts"]!.GetValue<int>() >= 1, context);
            Assert.True(meta["duration_ms"]!.GetValue<long>() >= 0, context);
            Assert.True(meta["tokens_used"]!["prompt"]!.GetValue<long>() >= 0, context);
            Assert.True(meta["tokens_used"]!["completion"]!.GetValue<long>() >= 0, context);
            Assert.True(meta.ContainsKey("cost_usd"), $"{context}: processing_metadata has no cost_usd");
        }
    }

    /// <summary>
    /// Every quote a result marks verified occurs in its document (white space, quotation marks, dashes and case
    /// normalised; an ellipsis separates parts that must occur in order). Returns how many verified quotes there were.
    /// </summary>
    public static int AssertVerifiedQuotesOccurInDocuments(string runFolder, string experimentPath)
    {
        var corpus = CorpusFiles(experimentPath);
        var verified = 0;
        foreach (var result in AnalysisResults(runFolder))
        {
            var document = corpus[(string)result["document_id"]!];
            var text = Normalize(document.Text);
            foreach (var (dimension, scores) in result["framework_analysis"]!.AsObject())
            {
                foreach (var quote in scores!["evidence"]!.AsArray().Where(q => (bool)q!["verified"]!))
                {
                    verified++;
                    var quoted = (string)quote!["quote"]!;
                    Assert.True(Occurs(Normalize(quoted), text), $"{document.RelativePath}, {dimension}: quote marked verified does not occur in the document: \"{quoted}\"");
                }
            }
        }

        return verified;
    }

    public static string ReportMarkdown(string runFolder)
    {
        var manifest = Manifest(runFolder);
        var relative = (string?)manifest["outputs"]!["report_markdown"];
        Assert.False(string.IsNullOrEmpty(relative), "manifest.outputs.report_markdown is empty");
        return File.ReadAllText(Path.Combine(runFolder, relative!));
    }

    /// <summary>SPEC §7: title and the required sections, in this order.</summary>
    public static void AssertReportSections(string runFolder, string experimentName)
    {
        var report = ReportMarkdown(runFolder);
        var lines = report.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.True(lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal)) == $"# Experiment Results: {experimentName}",
            $"the report's title is not '# Experiment Results: {experimentName}':\n{report[..Math.Min(report.Length, 300)]}");
        var previous = -1;
        foreach (var section in ReportSections)
        {
            var index = lines.IndexOf(section);
            Assert.True(index >= 0, $"the report has no line '{section}'");
            Assert.True(index > previous, $"'{section}' is out of order");
            previous = index;
        }
    }

    /// <summary>
    /// The Detailed Findings tables state exactly statistics.json, each number formatted to 3 decimals: every dimension
    /// (n, mean, sd, min, median, max, mean salience, mean confidence) and every derived metric. Returns the rows compared.
    /// </summary>
    public static int AssertFindingsMatchStatistics(string runFolder)
    {
        var manifest = Manifest(runFolder);
        var statisticsPath = (string?)manifest["outputs"]!["statistics"];
        Assert.False(string.IsNullOrEmpty(statisticsPath), "manifest.outputs.statistics is empty");
        var statistics = ReadObject(Path.Combine(runFolder, statisticsPath!));
        var findings = Section(ReportMarkdown(runFolder), "## Detailed Findings");
        var tables = MarkdownTables(findings);

        var dimensionTable = tables.SingleOrDefault(t => t.Header[0] == "dimension" && t.Header.Contains("mean"));
        Assert.True(dimensionTable is not null, $"Detailed Findings has no dimension table:\n{findings}");
        var dimensionStats = statistics["dimensions"]!.AsArray().Select(d => d!.AsObject()).ToList();
        Assert.NotEmpty(dimensionStats);
        CompareRows(dimensionTable!, dimensionStats, d => (string)d["name"]!, d => new Dictionary<string, JsonNode?>
        {
            ["n"] = d["score"]!["n"],
            ["mean"] = d["score"]!["mean"],
            ["sd"] = d["score"]!["sd"],
            ["min"] = d["score"]!["min"],
            ["median"] = d["score"]!["median"],
            ["max"] = d["score"]!["max"],
            ["mean salience"] = d["mean_salience"],
            ["mean confidence"] = d["mean_confidence"],
        });

        var metricStats = statistics["derived_metrics"]?.AsArray().Select(d => d!.AsObject()).ToList() ?? [];
        var metricTable = tables.SingleOrDefault(t => t.Header[0] == "derived metric");
        if (metricStats.Count > 0)
        {
            Assert.True(metricTable is not null, $"Detailed Findings has no derived metric table:\n{findings}");
            CompareRows(metricTable!, metricStats, d => (string)d["name"]!, d => new Dictionary<string, JsonNode?>
            {
                ["n"] = d["summary"]!["n"],
                ["mean"] = d["summary"]!["mean"],
                ["sd"] = d["summary"]!["sd"],
                ["min"] = d["summary"]!["min"],
                ["median"] = d["summary"]!["median"],
                ["max"] = d["summary"]!["max"],
            });
        }

        return dimensionTable!.Rows.Count + (metricTable?.Rows.Count ?? 0);
    }

    /// <summary>All five stages in order, each completed with a finish time.</summary>
    public static void AssertStagesCompleted(string runFolder)
    {
        var manifest = Manifest(runFolder);
        Assert.Equal("completed", (string?)manifest["status"]);
        var stages = manifest["stages"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal(StageOrder, stages.Select(s => (string?)s["name"]));
        Assert.All(stages, s =>
        {
            Assert.True((string?)s["status"] == "completed", $"stage {s["name"]} is {s["status"]}");
            AssertUtcTimestamp((string?)s["finished_at"], $"stage {s["name"]}: finished_at");
        });
    }

    /// <summary>Every stage has a start, a finish no earlier than the start, and a duration.</summary>
    public static void AssertStageTimings(string runFolder)
    {
        var stages = Manifest(runFolder)["stages"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.NotEmpty(stages);
        var problems = new List<string>();
        foreach (var stage in stages)
        {
            var name = (string?)stage["name"];
            var started = (string?)stage["started_at"];
            var finished = (string?)stage["finished_at"];
            var duration = stage["duration_ms"];
            if (started is null || finished is null || duration is null)
            {
                problems.Add($"{name}: started_at={started ?? "null"}, finished_at={finished ?? "null"}, duration_ms={duration?.ToJsonString() ?? "null"}");
                continue;
            }

            if (DateTimeOffset.Parse(finished, CultureInfo.InvariantCulture) < DateTimeOffset.Parse(started, CultureInfo.InvariantCulture) || duration.GetValue<long>() < 0)
            {
                problems.Add($"{name}: finished {finished} before started {started} or negative duration {duration}");
            }
        }

        Assert.True(problems.Count == 0, "stages without complete timings:\n" + string.Join("\n", problems));
    }

    /// <summary>Every line of logs/*.jsonl is a JSON object with the standard fields, for this run. Returns the line count.</summary>
    public static int AssertLogLinesHaveStandardFields(string runFolder)
    {
        var runId = (string)Manifest(runFolder)["run_id"]!;
        var logs = Path.Combine(runFolder, "logs");
        var files = Directory.GetFiles(logs, "*.jsonl");
        Assert.NotEmpty(files);
        var lines = 0;
        foreach (var file in files)
        {
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                if (line.Length == 0)
                {
                    continue;
                }

                lines++;
                var where = $"{Path.GetFileName(file)} line {number}";
                var entry = JsonNode.Parse(line) as JsonObject;
                Assert.True(entry is not null, $"{where} is not a JSON object: {line}");
                foreach (var field in StandardLogFields)
                {
                    Assert.True(entry![field] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0, $"{where} has no '{field}': {line}");
                }

                AssertUtcTimestamp((string?)entry!["timestamp"], where);
                Assert.True(runId == (string?)entry["run_id"], $"{where}: run_id {entry["run_id"]}, expected {runId}");
            }
        }

        return lines;
    }

    /// <summary>Runs <c>discernus verify</c> on the folder and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> VerifyAsync(string runFolder)
    {
        var cli = new CliHarness();
        var exit = await cli.RunAsync("verify", runFolder);
        return (exit, cli.AllText);
    }

    /// <summary>Everything the brief's "what it must show" lists for a completed run, except the start timings.</summary>
    public static async Task AssertCompletedRunAsync(PipelineRun run, string experimentName, string model = "lexicon")
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        await AssertCompletedRunFolderAsync(run.Folder, run.ExperimentPath, experimentName, model);
    }

    public static async Task AssertCompletedRunFolderAsync(string folder, string experimentPath, string experimentName, string model = "lexicon")
    {
        AssertOneResultPerDocument(folder, experimentPath);
        AssertResultsFollowSpec(folder, experimentPath, model);
        AssertVerifiedQuotesOccurInDocuments(folder, experimentPath);
        AssertReportSections(folder, experimentName);
        AssertFindingsMatchStatistics(folder);
        AssertStagesCompleted(folder);
        AssertLogLinesHaveStandardFields(folder);
        var (exit, output) = await VerifyAsync(folder);
        Assert.True(exit == 0, $"verify exited {exit}\n{output}");
    }

    /// <summary>How statistics are written in the report: 3 decimals, invariant culture, null as n/a, no "-0.000".</summary>
    public static string Format3(JsonNode? value)
    {
        if (value is null)
        {
            return "n/a";
        }

        var number = value.GetValue<double>();
        if (!double.IsFinite(number))
        {
            return "n/a";
        }

        var text = number.ToString("F3", CultureInfo.InvariantCulture);
        return text == "-0.000" ? "0.000" : text;
    }

    public static void AssertUtcTimestamp(string? value, string what)
    {
        Assert.True(value is not null && value.EndsWith('Z')
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), $"{what}: '{value}' is not an ISO 8601 UTC timestamp");
    }

    /// <summary>The text of a "## " section up to the next "## " heading.</summary>
    public static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        var end = markdown.IndexOf("\n## ", start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    public static List<MarkdownTable> MarkdownTables(string markdown)
    {
        var tables = new List<MarkdownTable>();
        List<string>? current = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith('|'))
            {
                current = null;
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
            if (current is null)
            {
                current = cells;
                tables.Add(new MarkdownTable(cells, []));
            }
            else if (cells.All(c => SeparatorCell().IsMatch(c)))
            {
                continue;
            }
            else
            {
                tables[^1].Rows.Add(cells);
            }
        }

        return tables;
    }

    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c switch
            {
                '“' or '”' or '„' or '‟' or '«' or '»' => '"',
                '‘' or '’' or '‚' or '‛' or '‹' or '›' => '\'',
                '‐' or '‑' or '‒' or '–' or '—' or '―' => '-',
                _ => char.ToLowerInvariant(c),
            });
        }

        return builder.ToString();
    }

    private static bool Occurs(string quote, string text)
    {
        var position = 0;
        var parts = quote.Split(Ellipses, StringSplitOptions.None).Select(p => p.Trim().Trim('"', '\'').Trim()).Where(p => p.Length > 0).ToList();
        if (parts.Count == 0)
        {
            return false;
        }

        foreach (var part in parts)
        {
            var found = text.IndexOf(part, position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + part.Length;
        }

        return true;
    }

    private static void CompareRows(MarkdownTable table, List<JsonObject> statistics, Func<JsonObject, string> name, Func<JsonObject, Dictionary<string, JsonNode?>> values)
    {
        var byName = table.Rows.GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Assert.Equal(statistics.Count, table.Rows.Count);
        var mismatches = new List<string>();
        foreach (var entry in statistics)
        {
            var key = name(entry);
            Assert.True(byName.TryGetValue(key, out var rows) && rows.Count == 1, $"the table '{table.Header[0]}' has {(rows?.Count ?? 0)} rows for '{key}', expected one");
            var row = rows![0];
            foreach (var (column, value) in values(entry))
            {
                var index = table.Header.IndexOf(column);
                Assert.True(index >= 0, $"the table '{table.Header[0]}' has no column '{column}' (columns: {string.Join(", ", table.Header)})");
                var expected = column == "n" ? value!.GetValue<int>().ToString(CultureInfo.InvariantCulture) : Format3(value);
                if (row[index] != expected)
                {
                    mismatches.Add($"{key}.{column}: report '{row[index]}', statistics.json {value?.ToJsonString() ?? "null"} → '{expected}'");
                }
            }
        }

        Assert.True(mismatches.Count == 0, "report numbers differ from statistics.json:\n" + string.Join("\n", mismatches));
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();

    [GeneratedRegex("^:?-{3,}:?$")]
    private static partial Regex SeparatorCell();
}
