using System.Globalization;
using System.Text.Json.Nodes;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus run --models a,b --runs 2` against a real HTTP server: every run of every model is a real model call (not
/// a replay from the cache), requests carry temperature 0 and the seed, the model version the provider names is
/// recorded, and the report's Reliability section compares runs and models, flagging the dimension they disagree on.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ReliabilityPipelineTests
{
    private const string ModelA = "openai-compatible/model-a";
    private const string ModelB = "openai-compatible/model-b";

    [Fact]
    public async Task RunsAndModels_AreAllAsked_AndTheirAgreementIsReported()
    {
        await using var server = FakeModelServer.Start();
        var calls = new System.Collections.Concurrent.ConcurrentDictionary<(string Model, string Document), int>();
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                return FakeModelServerResponse.Answer("The statistics are in the tables above.");
            }

            var document = ScriptedAnalysisAnswers.DocumentName(request)!;
            var model = request.Model!;
            var call = calls.AddOrUpdate((model, document), 1, (_, n) => n + 1);
            // A stable per-document score in 0.1–0.9; model-b reads anti_elitism backwards, and every second call
            // moves the scores a little, as a real model at temperature 0 still does.
            var basis = 0.1 + (Math.Abs(document.GetHashCode(StringComparison.Ordinal)) % 81 / 100.0);
            var jitter = call == 2 ? 0.01 : 0;
            var answer = ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request), (name, entry) =>
            {
                entry["raw_score"] = Math.Round(model == "model-b" && name == "anti_elitism" ? 1 - basis : basis + jitter, 3);
                return entry;
            });
            return FakeModelServerResponse.Answer(answer) with { ModelId = model + "-2025-06-01" };
        };
        using var sandbox = PipelineSandbox.Of("political_rhetoric", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "sk-test-reliability",
        });

        var run = await sandbox.RunAsync("--models", $"{ModelA},{ModelB}", "--runs", "2");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var analyses = server.Requests.Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).ToList();
        Assert.Equal(20 * 2 * 2, analyses.Count);
        Assert.All(analyses, r =>
        {
            Assert.Equal(0.0, r.Json(root => root.GetProperty("temperature").GetDouble()));
            Assert.Equal(20241124L, r.Json(root => root.GetProperty("seed").GetInt64()));
            Assert.DoesNotContain("discernus", r.Body, StringComparison.Ordinal);
        });

        var results = RunFolderChecks.AnalysisResults(run.Folder);
        Assert.Equal(80, results.Count);
        Assert.All(results, r => Assert.Equal(
            ((string)r["processing_metadata"]!["model"]!)[("openai-compatible/".Length)..] + "-2025-06-01",
            (string?)r["processing_metadata"]!["model_version"]));
        Assert.All(results, r => Assert.Equal(20241124L, r["processing_metadata"]!["seed"]!.GetValue<long>()));

        var statistics = RunFolderChecks.ReadObject(Path.Combine(run.Folder, "results", "synthesis", "statistics.json"));
        var comparisons = statistics["reliability"]!["comparisons"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(["runs of " + ModelA, "runs of " + ModelB, "models"], comparisons.Select(c => (string?)c["label"]));
        var betweenModels = comparisons[2]["dimensions"]!.AsArray().ToDictionary(d => (string)d!["dimension"]!, d => d!.AsObject());
        Assert.True(betweenModels["anti_elitism"]["unreliable"]!.GetValue<bool>());
        Assert.True(betweenModels["anti_elitism"]["alpha"]!.GetValue<double>() < 0);
        Assert.False(betweenModels["people_centrism"]["unreliable"]!.GetValue<bool>());
        Assert.True(betweenModels["people_centrism"]["alpha"]!.GetValue<double>() > 0.99);
        var betweenRuns = comparisons[0]["dimensions"]!.AsArray().Select(d => d!.AsObject()).ToList();
        Assert.All(betweenRuns, d => Assert.Equal(0.01, d["mean_absolute_difference"]!.GetValue<double>(), 9));

        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        var section = RunFolderChecks.Section(report, "## Reliability");
        Assert.Contains("### Runs of " + ModelA, section);
        Assert.Contains("### Models", section);
        var antiElitism = section.Split('\n').Last(l => l.StartsWith("| anti_elitism |", StringComparison.Ordinal));
        Assert.Contains("⚠ unreliable", antiElitism);
        Assert.Contains(betweenModels["anti_elitism"]["alpha"]!.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture), antiElitism);
        Assert.Contains("model-a-2025-06-01", RunFolderChecks.Section(report, "## Methodology"));
    }

    /// <summary>
    /// `--runs 2` with the lexicon on nano: two runs of a deterministic model agree by construction, and two documents
    /// are too few for a t-interval (with n = 2 it would span several units of a 0–1 scale). Neither is reported as a result.
    /// </summary>
    [Fact]
    public async Task TwoLexiconRunsOfNano_ReportNeitherAlphaNorAConfidenceInterval_AsEvidence()
    {
        using var sandbox = PipelineSandbox.Of("nano");

        var run = await sandbox.RunAsync("--runs", "2");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        var statistics = RunFolderChecks.ReadObject(Path.Combine(run.Folder, "results", "synthesis", "statistics.json"));
        var runs = Assert.Single(statistics["reliability"]!["comparisons"]!.AsArray())!.AsObject();
        Assert.Equal(("runs of lexicon", "by_construction"), ((string?)runs["label"], (string?)runs["identical"]));
        Assert.All(runs["dimensions"]!.AsArray(), d =>
        {
            Assert.Null(d!["alpha"]);
            Assert.False(d["unreliable"]!.GetValue<bool>());
        });
        Assert.All(statistics["dimensions"]!.AsArray(), d =>
        {
            Assert.Null(d!["score"]!["ci_lower"]);
            Assert.Equal("n too small for a CI (n = 2)", (string?)d["score"]!["ci_note"]);
        });

        var report = RunFolderChecks.ReportMarkdown(run.Folder);
        var reliability = RunFolderChecks.Section(report, "## Reliability");
        Assert.Contains("deterministic: identical by construction", reliability, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("| alpha |", reliability);
        Assert.DoesNotContain("<!-- chart:agreement -->", reliability);
        Assert.DoesNotContain("unreliable", RunFolderChecks.Section(report, "## Key Findings"));
        var findings = RunFolderChecks.Section(report, "## Detailed Findings");
        Assert.Contains("| positive_sentiment | 2 | 0.500 | n too small for a CI (n = 2) |", findings);
        Assert.Contains("**positive_sentiment**: mean 0.500; n too small for a CI (n = 2).", RunFolderChecks.Section(report, "## Key Findings"));
        Assert.DoesNotContain("95% CI [", report);
    }

    [Fact]
    public async Task GoldFileAndAnchors_ReachTheReportAndThePrompt()
    {
        await using var server = FakeModelServer.Start();
        static double Basis(string fileName) => 0.1 + (fileName.Sum(c => c) % 81 / 100.0);
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                return FakeModelServerResponse.Answer("The statistics are in the tables above.");
            }

            var basis = Basis(ScriptedAnalysisAnswers.DocumentName(request)!);
            return FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request), (_, entry) =>
            {
                entry["raw_score"] = basis;
                return entry;
            }));
        };
        using var sandbox = PipelineSandbox.Of("political_rhetoric", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "sk-test-gold",
        });
        var experiment = new Discernus.Experiments.ExperimentReader().Read(sandbox.ExperimentPath).Experiment!;
        var gold = experiment.Corpus.Documents.SelectMany(d => new[]
        {
            new Discernus.Experiments.GoldRating(d.DocumentId, "people_centrism", Basis(d.FileName), "ann"),
            new Discernus.Experiments.GoldRating(d.DocumentId, "people_centrism", Math.Min(1, Basis(d.FileName) + 0.05), "bob"),
        });
        File.WriteAllText(sandbox.Experiment.File("gold.csv"), Discernus.Experiments.GoldFile.Write(gold));
        sandbox.Experiment.Replace("experiment.md", "  corpus: corpus.md\n", "  corpus: corpus.md\n  gold: gold.csv\n");
        var dimension = experiment.Framework.Dimensions[0].Name;
        sandbox.Experiment.Replace("framework.md", $"  - name: {dimension}\n", $"  - name: {dimension}\n    anchors:\n      - {{excerpt: \"The people alone are sovereign.\", score: 0.9}}\n");

        var run = await sandbox.RunAsync("--model", "openai-compatible/coder");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}");
        Assert.All(server.Requests.Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)), r =>
            Assert.Contains($"\n- {dimension}, score 0.9: \"The people alone are sovereign.\"", string.Join("\n", r.MessageTexts)));
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal(40, manifest["gold"]!["ratings"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(run.Folder, (string)manifest["gold"]!["asset"]!)));

        var statistics = RunFolderChecks.ReadObject(Path.Combine(run.Folder, "results", "synthesis", "statistics.json"));
        // The gold comparison is the validity of each dimension; the reliability section keeps runs and models only.
        Assert.Null(statistics["reliability"]);
        var people = statistics["validity"]!["dimensions"]!.AsArray().Single(d => (string?)d!["dimension"] == "people_centrism")!;
        Assert.Equal(20, people["coded_documents"]!.GetValue<int>());
        var model = people["models"]!.AsArray().Single()!;
        Assert.Equal("openai-compatible/coder", (string?)model["model"]);
        // The model scores each document at the first coder's value and the second is 0.05 above: r with their mean is 1.
        Assert.Equal(1.0, model["metrics"]!["pearson"]!["value"]!.GetValue<double>(), 9);
        Assert.Equal(1.0, people["ceiling"]!["pearson"]!["value"]!.GetValue<double>(), 9);
        Assert.Equal("validated", (string?)people["status"]);
        var others = statistics["validity"]!["dimensions"]!.AsArray().Where(d => (string?)d!["dimension"] != "people_centrism").ToList();
        Assert.All(others, d => Assert.Equal("unvalidated", (string?)d!["status"]));

        var section = RunFolderChecks.Section(RunFolderChecks.ReportMarkdown(run.Folder), "## Reliability");
        Assert.Contains("### Validity against human coders", section);
        Assert.Contains("| human ceiling |", section);
        Assert.Contains("people_centrism: ✓ validated", RunFolderChecks.Section(RunFolderChecks.ReportMarkdown(run.Folder), "## Executive Summary"));
        Assert.Equal(0, (await RunFolderChecks.VerifyAsync(run.Folder)).Exit);
    }
}
