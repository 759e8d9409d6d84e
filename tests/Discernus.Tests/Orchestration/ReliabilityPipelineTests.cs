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
