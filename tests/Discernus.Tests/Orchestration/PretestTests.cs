using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Discernus.Agents;
using Discernus.Cli;
using Discernus.Models;
using Discernus.Orchestration;
using Discernus.Provenance;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `run --pretest N`: a seeded sample is analysed first and judged. A dimension that does not discriminate, too many
/// failed answers or an extrapolated cost above the budget stop the run before the full corpus, resumably; otherwise
/// the full run goes on and never asks the model again for the sample. Requests are counted on a real HTTP server.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class PretestTests
{
    private const string Model = "openai-compatible/pretest-model";
    private const int Documents = 12;
    private const int Sample = 4;

    [Fact]
    public async Task APretestThatPasses_GoesOnToTheFullRun_AndNeverAsksForTheSampleAgain()
    {
        await using var server = StartServer(VariedScores);
        using var sandbox = Sandbox(server);

        // --no-cache: the sample is reused because it belongs to the run, not because the response cache holds it.
        var run = await sandbox.RunAsync("--model", Model, "--pretest", Sample.ToString(CultureInfo.InvariantCulture), "--no-cache");

        Assert.Equal(0, run.ExitCode);
        var manifest = RunFolder.ReadManifest(Path.Combine(run.Folder, RunFolder.ManifestFileName));
        Assert.Equal([StageNames.Validation, StageNames.RunSetup, StageNames.Pretest, StageNames.BatchAnalysis, StageNames.Synthesis, StageNames.Report], manifest.Stages.Select(s => s.Name));
        Assert.Equal(RunStatus.Completed, manifest.Stages.Single(s => s.Name == StageNames.Pretest).Status);
        // Every document was asked for exactly once: the sample's answers were taken by the full run.
        var analyses = server.Requests.Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).Select(ScriptedAnalysisAnswers.DocumentName).ToList();
        Assert.Equal(Documents, analyses.Count);
        Assert.Equal(Documents, analyses.Distinct().Count());
        Assert.Equal(Documents, manifest.Outputs.AnalysisResults.Count);
        // Tokens and calls of the sample are counted once, not once by the pre-test and again by the full run.
        Assert.Equal(server.Requests.Count, manifest.Cost.ProviderRequests);
        Assert.Equal(Documents + 1, manifest.Cost.ModelCalls);
        var report = Report(run.Folder);
        Assert.Equal("proceed", report.Verdict);
        Assert.Equal(Sample, report.SampleDocuments);
        Assert.All(report.Dimensions, d => Assert.True(d.Discriminates, d.Dimension));
        Assert.Contains("Pre-test passed", run.Output);
        Assert.Contains($"**Pre-test:** {Sample} documents chosen with seed", RunFolderChecks.ReportMarkdown(run.Folder));
        Assert.True((await RunVerifier.VerifyAsync(run.Folder)).Succeeded);
    }

    [Fact]
    public async Task APretestStopsOnAZeroVarianceDimension_AndTheResumedRunReusesItsSample()
    {
        // negative_sentiment is 0.5 for every document: it cannot tell any two documents apart.
        await using var server = StartServer((document, dimension) => dimension == "negative_sentiment" ? 0.5 : VariedScores(document, dimension));
        using var sandbox = Sandbox(server);

        var stopped = await sandbox.RunAsync("--model", Model, "--pretest", Sample.ToString(CultureInfo.InvariantCulture));
        var askedBeforeResume = server.Requests.Select(ScriptedAnalysisAnswers.DocumentName).ToList();
        var manifest = RunFolder.ReadManifest(Path.Combine(stopped.Folder, RunFolder.ManifestFileName));

        Assert.Equal(4, stopped.ExitCode);
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Contains("pre-test stopped the run", manifest.Error);
        Assert.Contains("'negative_sentiment' does not discriminate", manifest.Error);
        Assert.Equal(Sample, askedBeforeResume.Count);
        Assert.Empty(manifest.Outputs.AnalysisResults);
        Assert.Equal(Sample, Directory.GetFiles(Path.Combine(stopped.Folder, "results", "batch_analysis")).Length);
        var report = Report(stopped.Folder);
        Assert.Equal("stop", report.Verdict);
        Assert.False(report.Dimensions.Single(d => d.Dimension == "negative_sentiment").Discriminates);
        Assert.Equal(0.0, report.Dimensions.Single(d => d.Dimension == "negative_sentiment").StandardDeviation);
        Assert.True(report.Dimensions.Single(d => d.Dimension == "positive_sentiment").Discriminates);
        Assert.Equal(["skipped", "skipped", "skipped"], manifest.Stages.Skip(3).Select(s => s.Status));
        Assert.Contains("discernus run --resume", stopped.Output);
        Assert.True((await RunVerifier.VerifyAsync(stopped.Folder)).Succeeded);

        var resume = sandbox.NewHarness();
        var exit = await DiscernusCli.InvokeAsync(["run", "--resume", stopped.Folder], resume.Context).WaitAsync(PipelineSandbox.RunLimit);
        var resumed = RunFolder.ReadManifest(Path.Combine(stopped.Folder, RunFolder.ManifestFileName));
        var askedAfterResume = server.Requests.Skip(askedBeforeResume.Count).Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).Select(ScriptedAnalysisAnswers.DocumentName).ToList();

        Assert.Equal(0, exit);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(Documents, resumed.Outputs.AnalysisResults.Count);
        // The resumed run asked only for the documents outside the sample.
        Assert.Equal(Documents - Sample, askedAfterResume.Count);
        Assert.Empty(askedAfterResume.Intersect(askedBeforeResume));
        Assert.Equal(Documents + 1, resumed.Cost.ModelCalls);
        Assert.Equal("results/pretest/pretest.json", resumed.Outputs.Pretest);
        Assert.True((await RunVerifier.VerifyAsync(stopped.Folder)).Succeeded);
    }

    [Fact]
    public async Task APretestStops_WhenTheCostExtrapolatedFromTheSampleExceedsTheBudget()
    {
        // Each answer uses 100,000 prompt tokens: at gpt-4o-mini's price 12 documents cost about $0.18, the sample $0.06.
        await using var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("Synthesis.")
            : FakeModelServerResponse.Answer(Answer(request, VariedScores), promptTokens: 100_000);
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["OPENAI_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["OPENAI_API_KEY"] = "pretest-budget-key",
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, Documents);
        sandbox.Experiment.Replace("experiment.md", "grouping:", "budget: {max_cost_usd: 0.10}\ngrouping:");

        var run = await sandbox.RunAsync("--model", "openai/gpt-4o-mini", "--pretest", Sample.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(4, run.ExitCode);
        Assert.Equal(Sample, server.Requests.Count);
        var report = Report(run.Folder);
        Assert.NotNull(report.ExtrapolatedUsd);
        Assert.InRange(report.ExtrapolatedUsd!.Value, 0.17m, 0.20m);
        Assert.Contains(report.StopReasons, r => r.Contains("above budget.max_cost_usd", StringComparison.Ordinal));
        Assert.Equal(100_000, report.Models.Single().PromptTokensPerDocument);
    }

    [Fact]
    public async Task APretestStops_WhenMoreSampledAnswersFailThanAllowed()
    {
        // Every answer is prose, not the JSON the prompt asks for: each sampled analysis fails validation.
        await using var server = FakeModelServer.Start();
        server.Handler = _ => FakeModelServerResponse.Answer("I would rather not score this document.");
        using var sandbox = Sandbox(server);

        var run = await sandbox.RunAsync("--model", Model, "--pretest", Sample.ToString(CultureInfo.InvariantCulture), "--pretest-max-failure-rate", "0.5");

        Assert.Equal(4, run.ExitCode);
        var report = Report(run.Folder);
        Assert.Equal(Sample, report.Failed);
        Assert.Contains(report.StopReasons, r => r.Contains($"{Sample} of {Sample} sampled answers failed", StringComparison.Ordinal));
        // Only the sample was asked for (each document as often as the answer checks allow), never the rest of the corpus.
        Assert.Equal(Sample, server.Requests.Select(ScriptedAnalysisAnswers.DocumentName).Distinct().Count());
    }

    [Fact]
    public void TheSample_IsTheSameForTheSameSeed_DiffersForAnother_AndIgnoresTheCorpusOrder()
    {
        var documents = Enumerable.Range(0, 200).Select(i => Document(i)).ToList();
        var reversed = Enumerable.Reverse(documents).ToList();

        var first = PretestSample.Choose(documents, 20, seed: 1).Select(i => documents[i].DocumentId).ToList();
        var again = PretestSample.Choose(documents, 20, seed: 1).Select(i => documents[i].DocumentId).ToList();
        var fromReversed = PretestSample.Choose(reversed, 20, seed: 1).Select(i => reversed[i].DocumentId).ToList();
        var otherSeed = PretestSample.Choose(documents, 20, seed: 2).Select(i => documents[i].DocumentId).ToList();

        Assert.Equal(20, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.Equal(first.Order(StringComparer.Ordinal), fromReversed.Order(StringComparer.Ordinal));
        Assert.NotEqual(first, otherSeed);
        Assert.Equal(5, PretestSample.Choose(documents.Take(5).ToList(), 20, seed: 1).Count);
    }

    [Fact]
    public void TheVerdict_NamesEachReason_AndAnUnknownPriceIsNoZeroCost()
    {
        var results = Enumerable.Range(0, 5).Select(i => Result("openai-compatible/no-price", ("a", i / 10.0), ("b", 0.3))).ToList();

        var report = PretestEvaluator.Evaluate(new PretestEvaluator.Input
        {
            Settings = new ManifestPretest { SampleSize = 6, Seed = 1, MaxFailureRate = 0.1 },
            SampleDocumentIds = [.. Enumerable.Range(0, 6).Select(i => $"d{i}")],
            CorpusDocuments = 100,
            RunsPerModel = 1,
            Models = ["openai-compatible/no-price"],
            DimensionNames = ["a", "b"],
            Results = results,
            Tasks = 6,
            Failed = 1,
            BudgetUsd = 1m,
            Prices = PriceTable.LoadDefault(),
        });

        Assert.Equal(2, report.StopReasons.Count);
        Assert.Contains(report.StopReasons, r => r.Contains("'b' does not discriminate", StringComparison.Ordinal));
        Assert.Contains(report.StopReasons, r => r.Contains("1 of 6 sampled answers failed", StringComparison.Ordinal));
        Assert.Null(report.ExtrapolatedUsd);
        Assert.Contains(report.Notes, n => n.Contains("no known price", StringComparison.Ordinal));
        var a = report.Dimensions.Single(d => d.Dimension == "a");
        Assert.Equal(0.2, a.Mean!.Value, 9);
        Assert.Equal(0.158113883, a.StandardDeviation!.Value, 6);
        Assert.Equal(5, a.DistinctValues);
        Assert.Contains("| b | 5/5 | 0.3 | 0 | 0.3 | 0.3 | 1 | **no** |", PretestEvaluator.ToMarkdown(report));
    }

    /// <summary>A score that differs between documents: a hash of document and dimension, in steps of 0.05.</summary>
    private static double VariedScores(string document, string dimension) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(document + "\n" + dimension))[0] % 21 / 20.0;

    private static FakeModelServer StartServer(Func<string, string, double> score)
    {
        var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("The documents differ.")
            : FakeModelServerResponse.Answer(Answer(request, score));
        return server;
    }

    private static string Answer(FakeModelServerRequest request, Func<string, string, double> score)
    {
        var document = ScriptedAnalysisAnswers.DocumentName(request) ?? "";
        return ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request), (dimension, entry) =>
        {
            entry["raw_score"] = score(document, dimension);
            return entry;
        });
    }

    private static PipelineSandbox Sandbox(FakeModelServer server)
    {
        var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_OPENAI_COMPATIBLE_API_KEY"] = "pretest-key",
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, Documents);
        return sandbox;
    }

    private static PretestReport Report(string runFolder) =>
        JsonSerializer.Deserialize<PretestReport>(File.ReadAllBytes(Path.Combine(runFolder, "results", "pretest", "pretest.json")), DiscernusJson.Indented)!;

    private static ManifestDocument Document(int i)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"text {i}")));
        return new ManifestDocument { DocumentId = $"doc{i}", File = $"doc{i}.txt", Sha256 = hash, TextSha256 = hash, Asset = $"assets/{hash}.txt", TextAsset = $"assets/{hash}.txt", Bytes = 6, Extracted = false };
    }

    private static AnalysisResult Result(string model, params (string Dimension, double Score)[] scores) => new()
    {
        DocumentId = "x",
        DocumentName = "x.txt",
        CorpusDocumentId = "x",
        FrameworkAnalysis = scores.ToDictionary(s => s.Dimension, s => new DimensionScore { Score = s.Score, Evidence = [new EvidenceQuote("q", true)] }),
        ProcessingMetadata = new ProcessingMetadata
        {
            Timestamp = "2026-01-01T00:00:00Z",
            Model = model,
            TokensUsed = new TokenUsage(1000, 100),
            PromptHash = "p",
            FrameworkHash = "f",
            DocumentHash = "d",
            TaskId = "t",
        },
    };
}
