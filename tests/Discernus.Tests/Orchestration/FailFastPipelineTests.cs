using System.Diagnostics;
using Discernus.Tests.Models;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// A run against an endpoint that cannot work stops at once: the model's circuit breaker opens after a few connection
/// failures, the agents turn every further call into a run-stopping outcome, and the Orchestrator ends the run failed
/// with one message naming the endpoint, the error and the fix, leaving the unanalysed documents without a result.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class FailFastPipelineTests
{
    [Fact]
    public async Task ClosedPort_2000Documents_RunStopsWithinAMinute_WithOneMessage()
    {
        var closed = ModelGatewayFailFastTests.ClosedPortUrl();
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = closed.ToString(),
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, 2000);
        var clock = Stopwatch.StartNew();

        var run = await DiscernusRunWithin(sandbox, TimeSpan.FromMinutes(1), "--model", "openai-compatible/test-model");

        clock.Stop();
        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}, expected 4 (run failed)\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("failed", (string?)manifest["status"]);
        var error = (string?)manifest["error"] ?? "";
        Assert.Contains(closed.Authority, error);
        Assert.Contains("cannot connect", error);
        Assert.Contains("DISCERNUS_OPENAI_COMPATIBLE_BASE_URL", error);
        // One message: the breaker's text appears once in everything the command printed, and no document is blamed.
        Assert.Equal(1, Occurrences(run.Output, "is unusable"));
        Assert.Empty(manifest["failures"]!.AsArray());
        Assert.Contains("cost unknown", run.Output);
        Assert.DoesNotContain("$0.0000", run.Output);
        var results = Path.Combine(run.Folder, "results", "batch_analysis");
        Assert.False(Directory.Exists(results) && Directory.EnumerateFiles(results).Any(), "a document has a result although no model call succeeded");
        var requests = manifest["cost"]!["provider_requests"]!.GetValue<long>();
        Assert.InRange(requests, 3, 64);
        Console.WriteLine($"closed port, 2000 documents: stopped after {clock.Elapsed.TotalSeconds:F1} s with {requests} provider request(s)");
    }

    private static async Task<PipelineRun> DiscernusRunWithin(PipelineSandbox sandbox, TimeSpan limit, params string[] arguments)
    {
        var cli = sandbox.NewHarness();
        var exit = await Discernus.Cli.DiscernusCli.InvokeAsync(["run", sandbox.ExperimentPath, .. arguments], cli.Context).WaitAsync(limit);
        return new PipelineRun(exit, sandbox.ExperimentPath, sandbox.FindRunFolder(), cli);
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
