using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>The gateway's per-minute limits belong to the gateway (one per process), not to a client: two runs share them.</summary>
public sealed class ModelGatewayLimitsTests
{
    [Fact]
    public async Task TwoRunsOfOneProcess_ShareTheRequestsPerMinuteLimit()
    {
        await using var server = FakeModelServer.Start();
        // 600 a minute: a bucket of 10 refilled at 10 per second.
        using var gateway = new ModelGateway(ModelSettings.FromValues(new Dictionary<string, string?>
        {
            [OpenAICompatibleProvider.BaseUrlName] = server.OpenAIBaseUrl.ToString(),
            [ModelSettings.RequestsPerMinuteVariable] = "600",
        }));
        using var runA = gateway.CreateClient(ModelName.Parse("openai-compatible/m"), new MemoryInteractionSink());
        using var runB = gateway.CreateClient(ModelName.Parse("openai-compatible/m"), new MemoryInteractionSink());
        var started = TimeProvider.System.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(i => new[] { runA.GetResponseAsync($"a{i}"), runB.GetResponseAsync($"b{i}") }));

        // Each run alone fits in the bucket; together they need 10 more permits, one second of refill.
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.Equal(20, server.Requests.Count);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(900), $"20 requests took {elapsed.TotalMilliseconds:F0} ms: the runs did not share the limit");
    }
}
