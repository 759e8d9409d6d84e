using System.Text.Json.Nodes;
using Discernus.Tests.Infrastructure;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// The response cache across runs of one experiment sharing an artifact store: an answer that failed validation is never
/// replayed (after the provider is fixed, the re-run asks for exactly that document again), validated answers are
/// served without a request, <c>--no-cache</c> asks for everything again, and the manifest and the summary count
/// provider requests, cache hits, retries and failures separately.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ModelCachePipelineTests : IDisposable
{
    private readonly List<PipelineSandbox> _sandboxes = [];

    private const string Model = "openai-compatible/test-model";
    private const string Library = "library_reading_room_praise.txt";
    private const string MillRoad = "mill_road_complaint.txt";

    [Fact]
    public async Task InvalidAnswersAreNeverReplayed_ValidOnesComeFromTheCache_AndNoCacheAsksAgain()
    {
        await using var server = FakeModelServer.Start();
        var millRoadFixed = false;
        server.Handler = request =>
        {
            if (ScriptedAnalysisAnswers.IsSynthesis(request))
            {
                return FakeModelServerResponse.Answer("The two remarks differ in tone.", 100, 20);
            }

            var dimensions = ScriptedAnalysisAnswers.Dimensions(request);
            var broken = ScriptedAnalysisAnswers.DocumentName(request) == MillRoad && !Volatile.Read(ref millRoadFixed);
            return FakeModelServerResponse.Answer(
                ScriptedAnalysisAnswers.Answer(dimensions, (name, entry) => broken && name == "negative_sentiment" ? null : entry), 100, 20);
        };
        var artifacts = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"), "artifacts");
        var environment = new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString(),
            ["DISCERNUS_MODEL_MAX_RETRIES"] = "0",
        };

        // Run 1: the provider answers Mill Road invalidly every time, so that document fails.
        var first = await RunAsync(server, environment, artifacts);
        Assert.True(first.Run.ExitCode == 6, first.Run.Output);
        Assert.Equal(3, first.Requests.Count(r => ScriptedAnalysisAnswers.DocumentName(r) == MillRoad));
        var cost = Cost(first.Run);
        Assert.Equal(first.Requests.Count, cost["provider_requests"]!.GetValue<long>());
        Assert.Equal(0, cost["cache_hits"]!.GetValue<long>());

        // Run 2, provider fixed: Mill Road is asked again (its invalid answers were never cached); Library is not.
        Volatile.Write(ref millRoadFixed, true);
        var second = await RunAsync(server, environment, artifacts);
        Assert.True(second.Run.ExitCode == 0, second.Run.Output);
        Assert.Single(second.Requests, r => ScriptedAnalysisAnswers.DocumentName(r) == MillRoad);
        Assert.DoesNotContain(second.Requests, r => ScriptedAnalysisAnswers.DocumentName(r) == Library);
        cost = Cost(second.Run);
        Assert.Equal(second.Requests.Count, cost["provider_requests"]!.GetValue<long>());
        Assert.Equal(1, cost["cache_hits"]!.GetValue<long>());
        Assert.Contains($"{second.Requests.Count} provider request(s), 1 cache hit(s)", second.Run.Output);

        // Run 3, --no-cache: both documents are asked again.
        var third = await RunAsync(server, environment, artifacts, "--no-cache");
        Assert.True(third.Run.ExitCode == 0, third.Run.Output);
        Assert.Single(third.Requests, r => ScriptedAnalysisAnswers.DocumentName(r) == MillRoad);
        Assert.Single(third.Requests, r => ScriptedAnalysisAnswers.DocumentName(r) == Library);
        Assert.Equal(0, Cost(third.Run)["cache_hits"]!.GetValue<long>());
        Assert.Equal("refresh", (string?)RunFolderChecks.Manifest(third.Run.Folder)["models"]!["cache"]);

        // Run 4: everything, synthesis included, is served from the cache: no request at all.
        var fourth = await RunAsync(server, environment, artifacts);
        Assert.True(fourth.Run.ExitCode == 0, fourth.Run.Output);
        Assert.Empty(fourth.Requests);
        cost = Cost(fourth.Run);
        Assert.Equal(0, cost["provider_requests"]!.GetValue<long>());
        Assert.Equal(3, cost["cache_hits"]!.GetValue<long>());
        Assert.Contains("0 provider request(s), 3 cache hit(s)", fourth.Run.Output);
        var results = RunFolderChecks.AnalysisResults(fourth.Run.Folder);
        Assert.All(results, r => Assert.True((bool)r["processing_metadata"]!["cached"]!));
    }

    [Fact]
    public async Task AnInvalidAnswerAlreadyInTheCache_IsAskedAgain_NotReplayed()
    {
        await using var server = FakeModelServer.Start();
        server.Handler = request => ScriptedAnalysisAnswers.IsSynthesis(request)
            ? FakeModelServerResponse.Answer("Synthesis.")
            : FakeModelServerResponse.Answer(ScriptedAnalysisAnswers.Answer(ScriptedAnalysisAnswers.Dimensions(request)));
        var artifacts = Path.Combine(Path.GetTempPath(), "discernus-tests", Guid.NewGuid().ToString("N"), "artifacts");
        var environment = new Dictionary<string, string?> { ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.OpenAIBaseUrl.ToString() };
        var first = await RunAsync(server, environment, artifacts);
        Assert.True(first.Run.ExitCode == 0, first.Run.Output);

        // Corrupt every cached answer the way an older Discernus could have stored it: valid JSON, invalid analysis.
        using (var store = new Discernus.Artifacts.FolderArtifactStore(artifacts, pack: true))
        {
            var cache = new Discernus.Orchestration.ArtifactResponseCache(store);
            var refs = store.Contents().Refs.Where(r => r.StartsWith("model-cache/", StringComparison.Ordinal)).Distinct().ToList();
            Assert.NotEmpty(refs);
            foreach (var key in refs.Select(r => r[(r.LastIndexOf('/') + 1)..]))
            {
                await cache.SetAsync(key, new Discernus.Models.CachedChatResponse { Text = "{\"dimensional_scores\": {}}" });
            }
        }

        var second = await RunAsync(server, environment, artifacts);

        Assert.True(second.Run.ExitCode == 0, second.Run.Output);
        var analyses = second.Requests.Where(r => !ScriptedAnalysisAnswers.IsSynthesis(r)).ToList();
        Assert.Equal(2, analyses.Count);
        // The original request is asked again; the stale answer is not fed back to the model as a failed attempt.
        Assert.All(analyses, r => Assert.DoesNotContain(r.MessageTexts, t => t.Contains("could not be accepted", StringComparison.Ordinal)));
        Assert.All(RunFolderChecks.AnalysisResults(second.Run.Folder), r =>
        {
            Assert.False((bool)r["processing_metadata"]!["cached"]!);
            Assert.Equal(1, r["processing_metadata"]!["attempts"]!.GetValue<int>());
        });
    }

    private async Task<(PipelineRun Run, List<FakeModelServerRequest> Requests)> RunAsync(
        FakeModelServer server, Dictionary<string, string?> environment, string artifacts, params string[] extra)
    {
        var sandbox = PipelineSandbox.Of("nano", environment, artifacts);
        _sandboxes.Add(sandbox);
        var before = server.Requests.Count;
        var run = await sandbox.RunAsync(["--model", Model, .. extra]);
        return (run, server.Requests.Skip(before).ToList());
    }

    public void Dispose()
    {
        foreach (var sandbox in _sandboxes)
        {
            sandbox.Dispose();
        }
    }

    private static JsonObject Cost(PipelineRun run) => RunFolderChecks.Manifest(run.Folder)["cost"]!.AsObject();
}
