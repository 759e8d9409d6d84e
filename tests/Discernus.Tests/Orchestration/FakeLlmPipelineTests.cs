using Discernus.FakeLlm;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A whole run against the simulated provider of `discernus dev fake-llm` with injected faults: 429s above its
/// concurrency, 5xx and malformed answers. Every document ends analysed or reported, evidence quotes are verified, and
/// the manifest's counts of provider requests, retries and failed requests agree with what the provider saw.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class FakeLlmPipelineTests
{
    [Fact]
    public async Task RunWithInjectedFaults_CompletesAndCountsWhatTheProviderSaw()
    {
        await using var server = await FakeLlmServer.StartAsync(new FakeLlmOptions
        {
            Latency = TimeSpan.FromMilliseconds(20),
            Jitter = TimeSpan.FromMilliseconds(10),
            Concurrency = 4,
            ErrorRate = 0.15,
            MalformedRate = 0.15,
            Seed = 7,
        });
        using var sandbox = PipelineSandbox.Of("political_rhetoric", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = server.BaseUrl.ToString(),
            ["DISCERNUS_MODEL_MAX_RETRIES"] = "8",
        });

        var run = await sandbox.RunAsync("--model", "openai-compatible/fake", "--concurrency", "8");

        Assert.True(run.ExitCode is 0 or 6, $"exit {run.ExitCode}\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        var stats = server.Stats;
        var cost = manifest["cost"]!;
        Assert.Equal(stats.Requests, cost["provider_requests"]!.GetValue<long>());
        Assert.Equal(stats.RateLimited + stats.ServerErrors, cost["failures"]!.GetValue<long>());
        Assert.True(stats.RateLimited + stats.ServerErrors > 0 && stats.Malformed > 0, "the seed injected no fault; the test proves nothing");
        Assert.True(cost["retries"]!.GetValue<long>() >= stats.ServerErrors, $"{cost["retries"]} retries for {stats.ServerErrors} server errors");
        Assert.Equal(0, cost["cache_hits"]!.GetValue<long>());
        var results = RunFolderChecks.AnalysisResults(run.Folder);
        var failures = manifest["failures"]!.AsArray().Count;
        Assert.Equal(20, results.Count + failures);
        Assert.True(RunFolderChecks.AssertVerifiedQuotesOccurInDocuments(run.Folder, run.ExperimentPath) > 0);
        // The simulated provider quotes sentences verbatim: none of its evidence is flagged.
        Assert.All(results.SelectMany(r => r["framework_analysis"]!.AsObject().SelectMany(d => d.Value!["evidence"]!.AsArray())),
            quote => Assert.True((bool)quote!["verified"]!, (string?)quote["quote"]));
        Assert.Contains($"{stats.Requests} provider request(s), 0 cache hit(s), {cost["retries"]} retries, {cost["failures"]} failed request(s)", run.Output);
    }
}
