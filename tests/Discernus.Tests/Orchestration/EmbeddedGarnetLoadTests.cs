namespace Discernus.Tests.Orchestration;

/// <summary>
/// `discernus run --concurrency N` accepts N up to 256. Each agent loop keeps a blocking BLMOVE open, and embedded
/// Garnet serves a blocking command by blocking a thread-pool thread until it returns, so many loops must not starve
/// the process into Redis timeouts.
/// </summary>
[Collection(PipelineRunsCollection.Name)]
public sealed class EmbeddedGarnetLoadTests
{
    [Fact]
    public async Task Nano_Completes_With256AgentLoops_OnEmbeddedGarnet()
    {
        using var sandbox = PipelineSandbox.Of("nano");

        var run = await sandbox.RunAsync("--concurrency", "256");

        await RunFolderChecks.AssertCompletedRunAsync(run, "nano");
        Assert.DoesNotContain("RedisTimeoutException", run.Output);
    }
}
