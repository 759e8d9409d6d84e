using Discernus.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Discernus.Tests.Models;

public sealed class PacedRateLimiterTests
{
    [Fact]
    public async Task SecondCall_WaitsForTheNextPermit()
    {
        var time = new FakeTimeProvider();
        using var limiter = new PacedRateLimiter(requestsPerMinute: 60, time);
        var inner = FakeChatClient.Answering("ok");
        using var client = new RateLimitingChatClient(inner, limiter.Limiter);

        await client.GetResponseAsync("first");
        var second = client.GetResponseAsync("second");

        Assert.False(second.IsCompleted);
        Assert.Equal(1, inner.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public void Interval_SpreadsRequestsOverTheMinute()
    {
        using var limiter = new PacedRateLimiter(requestsPerMinute: 120, new FakeTimeProvider());

        Assert.Equal(TimeSpan.FromMilliseconds(500), limiter.Interval);
    }

    [Fact]
    public async Task WaitingCall_CanBeCancelled()
    {
        var time = new FakeTimeProvider();
        using var limiter = new PacedRateLimiter(requestsPerMinute: 1, time);
        var inner = FakeChatClient.Answering("ok");
        using var client = new RateLimitingChatClient(inner, limiter.Limiter);
        await client.GetResponseAsync("first");
        using var cancel = new CancellationTokenSource();

        var waiting = client.GetResponseAsync("second", cancellationToken: cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Gateway_AppliesTheLimitPerProvider()
    {
        var time = new FakeTimeProvider();
        await using var server = Infrastructure.FakeModelServer.Start();
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(ModelsTestData.Env(
                (ModelSettings.OpenAIApiKeyVariable, "sk-test-key"),
                (ModelSettings.OpenAIBaseUrlVariable, server.OpenAIBaseUrl.ToString()),
                (ModelSettings.RequestsPerMinuteVariable, "6"))),
            timeProvider: time);
        using var one = gateway.CreateClient("openai/gpt-4o");
        using var two = gateway.CreateClient("openai/gpt-4o-mini");

        await one.GetResponseAsync("a");
        var waiting = two.GetResponseAsync("b");

        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, server.Requests.Count);
    }
}
