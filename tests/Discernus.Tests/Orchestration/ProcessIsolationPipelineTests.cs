using Discernus.Tests.Models;

namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus run --isolation process` in-process, its agents in real child processes: the model's fail-fast breaker
/// still stops a run against an unusable endpoint at once, although every call is made in a different child.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class ProcessIsolationPipelineTests
{
    [Fact]
    public async Task ClosedPort_RunStopsWithOneMessage_AlthoughEachCallIsMadeInItsOwnChild()
    {
        var closed = ModelGatewayFailFastTests.ClosedPortUrl();
        using var sandbox = PipelineSandbox.Of("nano", new Dictionary<string, string?>
        {
            ["DISCERNUS_OPENAI_COMPATIBLE_BASE_URL"] = closed.ToString(),
        });
        SyntheticCorpus.Write(sandbox.ExperimentPath, 300);

        var run = await sandbox.RunAsync("--model", "openai-compatible/test-model", "--isolation", "process", "--concurrency", "4");

        Assert.True(run.ExitCode == 4, $"exit {run.ExitCode}, expected 4 (run failed)\n{run.Output}");
        var manifest = RunFolderChecks.Manifest(run.Folder);
        Assert.Equal("failed", (string?)manifest["status"]);
        var error = (string?)manifest["error"] ?? "";
        Assert.Contains(closed.Authority, error, StringComparison.Ordinal);
        Assert.True(error.Contains("cannot connect", StringComparison.Ordinal), error);
        Assert.Contains("is unusable", error, StringComparison.Ordinal);
        Assert.Empty(manifest["failures"]!.AsArray());

        // Each child's failed call reached the run's log through its worker, and was counted there.
        var requests = manifest["cost"]!["provider_requests"]!.GetValue<long>();
        Assert.InRange(requests, 3, 24);
        var calls = File.ReadAllLines(Path.Combine(run.Folder, "logs", "llm_interactions.jsonl"));
        Assert.Equal(requests, calls.Length);
        Assert.All(calls, c => Assert.Contains("cannot connect", c, StringComparison.OrdinalIgnoreCase));
    }
}
