using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Discernus.Experiments;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The validity gate end to end: a scripted model whose scores of one dimension are noise against three human coders
/// (but differ strongly between two groups of documents) and whose scores of the other follow the coders. The first
/// dimension must come out not validated, and the group difference on it must never be phrased as a finding; the
/// second validated. Calibration learns from the coded sample and keeps the raw scores beside the calibrated ones.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ValidityPipelineTests
{
    private const int Documents = 80;
    private const string Noisy = "positive_sentiment";
    private const string Faithful = "negative_sentiment";

    /// <summary>The coders' latent truth of each document and dimension, seeded.</summary>
    private static readonly (double Positive, double Negative)[] Truth = MakeTruth();

    [Fact]
    public async Task ANoiseModel_IsNotValidated_AndItsGroupDifferenceIsNoFinding_WhileAFaithfulOneIsValidated()
    {
        await using var server = ScriptedServer((i, dimension) => dimension == Noisy
            ? (i % 2 == 0 ? 0.75 : 0.25) + (Noise(i, 7) * 0.1)
            : Math.Clamp(Truth[i].Negative + (Noise(i, 11) * 0.05), 0, 1));
        using var sandbox = Sandbox(server, coded: Documents);

        var run = await sandbox.RunAsync("--model", "openai-compatible/scripted");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var statistics = RunFolderChecks.ReadObject(Path.Combine(run.Folder, "results", "synthesis", "statistics.json"));
        var dimensions = statistics["validity"]!["dimensions"]!.AsArray().Select(d => d!.AsObject()).ToDictionary(d => (string)d["dimension"]!);
        Assert.Equal("not_validated", (string?)dimensions[Noisy]["status"]);
        Assert.Equal("validated", (string?)dimensions[Faithful]["status"]);
        Assert.Equal("not_validated", (string?)statistics["variable_validity"]![Noisy]);
        Assert.Equal("not_validated", (string?)statistics["variable_validity"]!["net_sentiment"]);
        Assert.Equal(Documents, statistics["validity"]!["gold"]!["coded_documents"]!.GetValue<int>());

        // The group difference on the noisy dimension is large and significant, yet it is listed as no finding.
        var groupTest = statistics["inference"]!["group_tests"]!.AsArray().Single(t => (string?)t!["variable"] == Noisy && (string?)t["test"]!["test"] == "welch_t")!;
        Assert.True(groupTest["p_holm"]!.GetValue<double>() < 0.001);
        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        var summary = RunFolderChecks.Section(report, "## Executive Summary");
        Assert.StartsWith("- **Validity**", summary.Split('\n').First(l => l.StartsWith("- ", StringComparison.Ordinal)));
        Assert.Contains($"{Noisy}: ✗ not validated", summary);
        Assert.Contains($"{Faithful}: ✓ validated", summary);
        var keyFindings = RunFolderChecks.Section(report, "## Key Findings");
        var notFindings = keyFindings.IndexOf("**Not findings**", StringComparison.Ordinal);
        Assert.True(notFindings > 0, keyFindings);
        var findings = keyFindings[..notFindings];
        Assert.DoesNotContain($"**{Noisy}** differs by group", findings);
        Assert.Contains($"**{Noisy}** differs by group", keyFindings[notFindings..]);
        Assert.Contains("not validated", keyFindings[notFindings..]);
        Assert.Contains($"⚠ **{Noisy} is not validated**", findings);
        Assert.Contains($"{Noisy} ⚠ not validated", RunFolderChecks.Section(report, "## Group Comparisons"));

        var validityCsv = File.ReadAllLines(Path.Combine(run.Folder, "results", "exports", "validity.csv"));
        Assert.StartsWith("dimension,status,judged_on,reading,scores,decides_status,documents,pearson,pearson_lower,pearson_upper", validityCsv[0]);
        Assert.Contains(validityCsv, l => l.StartsWith($"{Noisy},not_validated,", StringComparison.Ordinal) && l.Contains(",human ceiling,", StringComparison.Ordinal));
        Assert.Equal(0, (await RunFolderChecks.VerifyAsync(run.Folder)).Exit);
    }

    [Fact]
    public async Task Calibrate_LearnsFromTheCodedSample_KeepsRawScores_AndRecordsTheMaps()
    {
        // A monotone distortion of the truth: right order, wrong scale (CCC far below r before calibration).
        await using var server = ScriptedServer((i, dimension) => Math.Pow(dimension == Noisy ? Truth[i].Positive : Truth[i].Negative, 3));
        using var sandbox = Sandbox(server, coded: 50);

        var run = await sandbox.RunAsync("--model", "openai-compatible/scripted", "--calibrate");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("flag", (string?)manifest["validity"]!["calibration_source"]);
        var model = (string)manifest["validity"]!["calibration_model"]!;
        Assert.Equal("results/synthesis/calibration.json", model);
        Assert.Equal(RunFolderChecks.Sha256(File.ReadAllBytes(Path.Combine(run.Folder, model))), (string?)manifest["validity"]!["calibration_model_sha256"]);

        var statistics = RunFolderChecks.ReadObject(Path.Combine(run.Folder, "results", "synthesis", "statistics.json"));
        var positive = statistics["validity"]!["dimensions"]!.AsArray().Single(d => (string?)d!["dimension"] == Noisy)!;
        var readings = positive["models"]!.AsArray().Select(m => m!.AsObject()).ToList();
        var raw = readings.Single(m => (string?)m["scores"] == "raw");
        var calibrated = readings.Single(m => (string?)m["scores"] == "calibrated");
        Assert.Equal("openai-compatible/scripted", (string?)positive["judged_on"]);
        Assert.Equal("calibrated", (string?)positive["judged_scores"]);
        Assert.True(calibrated["metrics"]!["ccc"]!["value"]!.GetValue<double>() > raw["metrics"]!["ccc"]!["value"]!.GetValue<double>() + 0.2,
            $"calibration did not bring the scale in line: {calibrated["metrics"]!["ccc"]} vs raw {raw["metrics"]!["ccc"]}");
        Assert.Null(positive["scale_mismatch"]);

        var scores = File.ReadAllLines(Path.Combine(run.Folder, "results", "exports", "scores.csv"));
        var header = scores[0].Split(',');
        var rawColumn = Array.IndexOf(header, $"{Noisy}_score");
        var calibratedColumn = Array.IndexOf(header, $"{Noisy}_calibrated_score");
        Assert.Equal(rawColumn + 1, calibratedColumn);
        Assert.Equal(Documents + 1, scores.Length);
        Assert.Contains(scores.Skip(1), l => l.Split(',')[rawColumn] != l.Split(',')[calibratedColumn]);

        var reliability = RunFolderChecks.Section(RunFolderChecks.ReportMarkdown(run.Folder), "## Reliability");
        Assert.Contains("**Calibration.**", reliability);
        Assert.Contains("(calibrated)", reliability);
        Assert.Equal(0, (await RunFolderChecks.VerifyAsync(run.Folder)).Exit);
    }

    [Fact]
    public async Task Calibrate_WithoutAGoldFile_IsRefusedBeforeAnyRun()
    {
        using var sandbox = PipelineSandbox.Of("nano");

        var run = await sandbox.RunAsync("--calibrate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--calibrate", run.Output);
        Assert.Contains("gold", run.Output);
        Assert.Null(sandbox.FindRunFolder());
    }

    private static FakeModelServer ScriptedServer(Func<int, string, double> score)
    {
        var server = FakeModelServer.Start();
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                return FakeModelServerResponse.Answer("The statistics are in the tables above.");
            }

            var index = int.Parse(ScriptedAnalysisAnswers.DocumentName(request)!.AsSpan(4, 3), CultureInfo.InvariantCulture);
            return FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request), (dimension, entry) =>
            {
                entry["raw_score"] = Math.Round(Math.Clamp(score(index, dimension), 0, 1), 4);
                return entry;
            }));
        };
        return server;
    }

    /// <summary>nano with <see cref="Documents"/> documents in two groups, and three coders on the first <paramref name="coded"/>.</summary>
    private static PipelineSandbox Sandbox(FakeModelServer server, int coded)
    {
        var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "sk-test-validity",
        });
        var corpus = sandbox.Experiment.File("corpus");
        Directory.Delete(corpus, recursive: true);
        Directory.CreateDirectory(corpus);
        var manifest = new StringBuilder("# Corpus\n\n```yaml\nname: validity\nversion: \"1.0\"\ndocuments:\n");
        var gold = new List<GoldRating>();
        for (var i = 0; i < Documents; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"doc_{i:D3}.txt");
            File.WriteAllText(Path.Combine(corpus, name), string.Create(CultureInfo.InvariantCulture, $"Remark number {i} about the reading room and the road.\n"));
            manifest.Append(CultureInfo.InvariantCulture, $"  - filename: {name}\n    document_id: d{i:D3}\n    metadata: {{group: {(i % 2 == 0 ? "a" : "b")}, tone: {(i % 2 == 0 ? "positive" : "negative")}}}\n");
            if (i < coded)
            {
                for (var c = 0; c < 3; c++)
                {
                    gold.Add(new GoldRating($"d{i:D3}", Noisy, Math.Clamp(Truth[i].Positive + (Noise(i, 100 + c) * 0.08), 0, 1), $"coder_{c}"));
                    gold.Add(new GoldRating($"d{i:D3}", Faithful, Math.Clamp(Truth[i].Negative + (Noise(i, 200 + c) * 0.08), 0, 1), $"coder_{c}"));
                }
            }
        }

        File.WriteAllText(sandbox.Experiment.File("corpus.md"), manifest.Append("```\n").ToString());
        File.WriteAllText(sandbox.Experiment.File("gold.csv"), GoldFile.Write(gold));
        sandbox.Experiment.Replace("experiment.md", "grouping:\n  - tone", "grouping:\n  - group");
        return sandbox;
    }

    private static (double, double)[] MakeTruth()
    {
        var random = new Random(20261206);
        return Enumerable.Range(0, Documents).Select(_ => (0.1 + (0.8 * random.NextDouble()), 0.1 + (0.8 * random.NextDouble()))).ToArray();
    }

    /// <summary>A reproducible value in [−1, 1] for document <paramref name="i"/> and stream <paramref name="stream"/>.</summary>
    private static double Noise(int i, int stream) => (new Random((i * 7919) + stream).NextDouble() * 2) - 1;
}
