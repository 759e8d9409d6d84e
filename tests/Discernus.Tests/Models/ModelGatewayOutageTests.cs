using System.Collections.Concurrent;
using System.Globalization;
using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>
/// Faults that say "later", never "no": an endpoint that answered and then went away (connections refused, a storm of
/// 5xx) is waited out, with one probe at a time and no retry spent; 429s are waited out whatever the retry limit; and
/// only an outage longer than DISCERNUS_MODEL_OUTAGE_LIMIT_SECONDS ends the calls, with one message naming the endpoint,
/// the cause and `run --resume`.
/// </summary>
public sealed class ModelGatewayOutageTests : IAsyncLifetime
{
    private static readonly ModelGatewayOptions Fast = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        UseJitter = false,
        OutageFirstProbe = TimeSpan.FromMilliseconds(500),
        OutageMaxProbeInterval = TimeSpan.FromSeconds(1),
    };

    private FakeModelServer _server = null!;
    private readonly MemoryInteractionSink _sink = new();

    public Task InitializeAsync()
    {
        _server = FakeModelServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ModelGateway Gateway(int retries = 3, int outageLimitSeconds = 60) => new(
        ModelSettings.FromValues(new Dictionary<string, string?>
        {
            [OpenAICompatibleProvider.BaseUrlName] = _server.OpenAIBaseUrl.ToString(),
            [OpenAICompatibleProvider.ApiKeyName] = "test-key",
            [ModelSettings.MaxRetriesVariable] = retries.ToString(CultureInfo.InvariantCulture),
            [ModelSettings.OutageLimitVariable] = outageLimitSeconds.ToString(CultureInfo.InvariantCulture),
        }),
        Fast,
        _sink);

    [Fact]
    public async Task AProviderThatAnsweredThenStopped_IsWaitedFor_AndEveryCallSucceedsWhenItComesBack()
    {
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");
        Assert.Equal("fake answer", (await client.GetResponseAsync("before")).Text);

        // Killed: nothing listens on its port any more, so every connection is refused.
        var port = _server.Port;
        await _server.DisposeAsync();
        var observer = new RecordingObserver();
        var calls = Enumerable.Range(0, 6).Select(i => client.GetResponseAsync($"during {i}", Observed(observer))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(calls, c => Assert.False(c.IsCompleted, "a call ended while the provider was away"));
        var outage = gateway.OutageOf(ModelName.Parse("openai-compatible/m"))!;
        Assert.True(outage.IsAway);

        _server = FakeModelServer.Start(port);
        var answers = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(answers, a => Assert.Equal("fake answer", a.Text));
        Assert.False(outage.IsAway);
        Assert.Null(outage.Since);
        var told = Assert.Single(observer.Outages.Select(o => o.Since).Distinct());
        Assert.All(observer.Outages, o => Assert.Contains("cannot connect", o.Cause, StringComparison.Ordinal));
        Assert.True(observer.Outages.Count <= calls.Count);
        Assert.NotEqual(default, told);
    }

    [Fact]
    public async Task AStormOf5xx_OpensTheBreaker_OnceTheSuccessesBeforeItAreOlderThanTheWindow_AndTheCallsWaitInsteadOfFailing()
    {
        using var gateway = Gateway(retries: 2);
        using var client = gateway.CreateClient("openai-compatible/m");
        for (var i = 0; i < 20; i++)
        {
            await client.GetResponseAsync($"fine {i}");
        }

        // The breaker judges the endpoint on its recent attempts only (a 2 s window by default): twenty successes a
        // little while ago do not keep it closed (a window of 30 s would have, as the failed runs of issue 13 showed).
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var storm = true;
        _server.Handler = _ => Volatile.Read(ref storm) ? FakeModelServerResponse.Fault(503, "overloaded") : FakeModelServerResponse.Answer("back");
        var before = _server.Requests.Count;
        var calls = Enumerable.Range(0, 8).Select(i => client.GetResponseAsync($"storm {i}")).ToList();
        await Task.Delay(TimeSpan.FromSeconds(4));
        var duringStorm = _server.Requests.Count - before;
        Assert.All(calls, c => Assert.False(c.IsCompleted, "a call ended during the storm"));
        Volatile.Write(ref storm, false);

        var answers = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(answers, a => Assert.Equal("back", a.Text));
        // Each call would have spent its three attempts within the storm; once open, the breaker sends one probe a second.
        Assert.True(duringStorm < 8 * 3, $"{duringStorm} requests during a 4 s storm");
    }

    [Fact]
    public async Task AnOutageLongerThanTheLimit_EndsTheCall_WithOneMessageNamingTheEndpointTheCauseAndResume()
    {
        using var gateway = Gateway(outageLimitSeconds: 2);
        using var client = gateway.CreateClient("openai-compatible/m");
        await client.GetResponseAsync("before");
        var endpoint = _server.OpenAIBaseUrl.ToString();
        await _server.DisposeAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var errors = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Assert.ThrowsAsync<ModelEndpointUnusableException>(() => client.GetResponseAsync($"during {i}"))));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.All(errors, e => Assert.Equal(EndpointFailureKind.Unreachable, e.Kind));
        var message = errors[0].Message;
        Assert.Contains(endpoint.TrimEnd('/'), message, StringComparison.Ordinal);
        Assert.Contains("cannot connect", message, StringComparison.Ordinal);
        Assert.Contains(ModelSettings.OutageLimitVariable, message, StringComparison.Ordinal);
        Assert.Contains("discernus run --resume", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimits_AreWaitedOut_WithoutSpendingTheRetries()
    {
        for (var i = 0; i < 6; i++)
        {
            _server.Enqueue(FakeModelServerResponse.Fault(429, "slow down") with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "30" } });
        }

        _server.EnqueueAnswer("at last");
        using var gateway = Gateway(retries: 1);
        using var client = gateway.CreateClient("openai-compatible/m");

        var response = await client.GetResponseAsync("prompt");

        Assert.Equal("at last", response.Text);
        Assert.Equal(7, _server.Requests.Count);
        Assert.Equal(7, response.AdditionalProperties?[ModelCallKeys.Requests]);
    }

    [Fact]
    public async Task RateLimitsLongerThanTheOutageLimit_EndTheCall_AsARateLimitedEndpoint()
    {
        _server.Handler = _ => FakeModelServerResponse.Fault(429, "slow down") with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "200" } };
        using var gateway = Gateway(outageLimitSeconds: 1);
        using var client = gateway.CreateClient("openai-compatible/m");

        var error = await Assert.ThrowsAsync<ModelEndpointUnusableException>(() => client.GetResponseAsync("prompt"));

        Assert.Equal(EndpointFailureKind.RateLimited, error.Kind);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.InRange(_server.Requests.Count, 3, 12);
    }

    [Fact]
    public async Task AnEndpointThatNeverAnswered_IsNotWaitedFor_ButFailsFastAsMisconfigured()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Equal(EndpointFailureKind.CannotConnect, error.EndpointFailure);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        _server = FakeModelServer.Start(port);
    }

    private static ChatOptions Observed(IEndpointOutageObserver observer) =>
        new() { AdditionalProperties = new AdditionalPropertiesDictionary { [ModelCallKeys.OutageObserver] = observer } };

    private sealed class RecordingObserver : IEndpointOutageObserver
    {
        private readonly ConcurrentQueue<ModelOutage> _outages = new();

        public IReadOnlyList<ModelOutage> Outages => _outages.ToArray();

        public ValueTask EndpointAwayAsync(ModelOutage outage, CancellationToken cancellationToken)
        {
            _outages.Enqueue(outage);
            return ValueTask.CompletedTask;
        }
    }
}
