using System.Net;
using System.Net.Sockets;
using Discernus.Models;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>
/// What the gateway retries (only 429, 5xx and time-outs, after the provider's Retry-After) and what it never retries:
/// every other 4xx, an exhausted quota, an endpoint that refuses connections. A few endpoint failures in a row open the
/// model's circuit breaker, shared by every client of the gateway: further calls fail at once with one message.
/// </summary>
public sealed class ModelGatewayFailFastTests : IAsyncLifetime
{
    private const string Key = "sk-test-FAILFAST-0123456789abcdef";

    private static readonly ModelGatewayOptions FastRetries = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
        UseJitter = false,
    };

    private FakeModelServer _server = null!;
    private readonly MemoryInteractionSink _sink = new();

    public Task InitializeAsync()
    {
        _server = FakeModelServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ModelGateway Gateway(Uri? baseUrl = null, int retries = 3) => new(
        ModelSettings.FromValues(new Dictionary<string, string?>
        {
            [OpenAICompatibleProvider.BaseUrlName] = (baseUrl ?? _server.OpenAIBaseUrl).ToString(),
            [OpenAICompatibleProvider.ApiKeyName] = Key,
            [ModelSettings.MaxRetriesVariable] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }),
        FastRetries,
        _sink);

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(422)]
    public async Task ClientErrors_AreNotRetried(int status)
    {
        _server.Handler = _ => FakeModelServerResponse.Fault(status, "client error");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Single(_server.Requests);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task RateLimitsAndServerErrors_AreRetried(int status)
    {
        _server.EnqueueFault(status).EnqueueFault(status).EnqueueAnswer("third time");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        var response = await client.GetResponseAsync("prompt");

        Assert.Equal("third time", response.Text);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(3, response.AdditionalProperties?[ModelCallKeys.Requests]);
    }

    [Fact]
    public async Task RetryAfterSeconds_IsHonoured_InsteadOfTheShortBackOff()
    {
        _server.Enqueue(FakeModelServerResponse.Fault(429, "slow down") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } })
            .EnqueueAnswer("ok");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        await client.GetResponseAsync("prompt");

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        // The back-off alone would wait 10 ms; the provider asked for one second.
        var gap = TimeProvider.System.GetElapsedTime(requests[0].ReceivedAt, requests[1].ReceivedAt);
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"the retry came after {gap.TotalMilliseconds:F0} ms, before the Retry-After of 1 s");
    }

    [Fact]
    public async Task RetryAfterMilliseconds_IsHonoured()
    {
        _server.Enqueue(FakeModelServerResponse.Fault(503, "busy") with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "400" } })
            .EnqueueAnswer("ok");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        await client.GetResponseAsync("prompt");

        var requests = _server.Requests;
        var gap = TimeProvider.System.GetElapsedTime(requests[0].ReceivedAt, requests[1].ReceivedAt);
        Assert.True(gap >= TimeSpan.FromMilliseconds(380), $"the retry came after {gap.TotalMilliseconds:F0} ms, before the retry-after-ms of 400");
    }

    [Fact]
    public async Task ExhaustedQuota_IsNotRetried_AndIsAnEndpointFailure()
    {
        _server.Handler = _ => FakeModelServerResponse.Fault(429, "You exceeded your current quota, please check your plan and billing details.");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Single(_server.Requests);
        Assert.Equal(EndpointFailureKind.QuotaExhausted, error.EndpointFailure);
        Assert.Contains("credit", error.Message);
    }

    [Fact]
    public async Task ClosedPort_IsNotRetried_AndNamesTheEndpointAndTheVariable()
    {
        var closed = ClosedPortUrl();
        using var gateway = Gateway(closed);
        using var client = gateway.CreateClient("openai-compatible/m");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Equal(1, error.Attempts);
        Assert.Equal(EndpointFailureKind.CannotConnect, error.EndpointFailure);
        Assert.Contains(closed.Authority, error.Message);
        Assert.Contains(OpenAICompatibleProvider.BaseUrlName, error.Message);
        Assert.DoesNotContain(ModelSettings.MaxRetriesVariable, error.Message);
        Assert.Single(_sink.Records);
    }

    [Fact]
    public async Task ClosedPort_OpensTheBreaker_AfterThreeFailures_ThenEveryCallFailsAtOnceWithOneMessage()
    {
        var closed = ClosedPortUrl();
        using var gateway = Gateway(closed);
        using var client = gateway.CreateClient("openai-compatible/m");

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync($"prompt {i}"));
        }

        var messages = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var error = await Assert.ThrowsAsync<ModelEndpointUnusableException>(() => client.GetResponseAsync($"later prompt {i}"));
            messages.Add(error.Message);
        }

        // Only the three calls before the breaker opened reached the network and were recorded.
        Assert.Equal(3, _sink.Records.Count);
        var message = Assert.Single(messages);
        Assert.Contains(closed.Authority, message);
        Assert.Contains("cannot connect", message);
        Assert.Contains(OpenAICompatibleProvider.BaseUrlName, message);
        Assert.True(gateway.BreakerOf(ModelName.Parse("openai-compatible/m"))!.IsOpen);
    }

    [Fact]
    public async Task Unauthorized_OpensTheBreakerForEveryClientOfTheGateway_WithoutFurtherRequests()
    {
        _server.Handler = _ => FakeModelServerResponse.Fault(401, $"Incorrect API key provided: {Key}");
        using var gateway = Gateway();
        using var runA = gateway.CreateClient("openai-compatible/m");
        using var runB = gateway.CreateClient("openai-compatible/m");

        await Assert.ThrowsAsync<ModelCallException>(() => runA.GetResponseAsync("a1"));
        await Assert.ThrowsAsync<ModelCallException>(() => runB.GetResponseAsync("b1"));
        await Assert.ThrowsAsync<ModelCallException>(() => runA.GetResponseAsync("a2"));
        var error = await Assert.ThrowsAsync<ModelEndpointUnusableException>(() => runB.GetResponseAsync("b2"));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(EndpointFailureKind.Unauthorized, error.Kind);
        Assert.Contains("401", error.Message);
        Assert.Contains(OpenAICompatibleProvider.ApiKeyName, error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Fact]
    public async Task SporadicTransientAndDocumentErrors_OpenNeitherBreaker()
    {
        // A document too long for the model (400) and an occasional server error (500) are failures of their request:
        // neither the fail-fast breaker nor the outage breaker (a majority of recent attempts failing) opens.
        _server.Handler = request => request.MessageTexts.Any(t => t.Contains("too long", StringComparison.Ordinal))
            ? FakeModelServerResponse.Fault(400, "context length exceeded")
            : request.MessageTexts.Any(t => t.Contains("unlucky", StringComparison.Ordinal))
                ? FakeModelServerResponse.Fault(500, "boom")
                : FakeModelServerResponse.Answer("ok");
        using var gateway = Gateway(retries: 0);
        using var client = gateway.CreateClient("openai-compatible/m");

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync($"too long {i}"));
            if (i % 2 == 0)
            {
                await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync($"unlucky {i}"));
            }
            else
            {
                await client.GetResponseAsync($"fine {i}");
            }
        }

        Assert.Equal(10, _server.Requests.Count);
        Assert.False(gateway.BreakerOf(ModelName.Parse("openai-compatible/m"))!.IsOpen);
        Assert.False(gateway.OutageOf(ModelName.Parse("openai-compatible/m"))!.IsAway);
    }

    [Fact]
    public async Task ASuccessBetweenEndpointFailures_KeepsTheBreakerClosed()
    {
        _server.EnqueueFault(404).EnqueueFault(404).EnqueueAnswer("ok").EnqueueFault(404).EnqueueAnswer("ok again");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai-compatible/m");

        await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("1"));
        await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("2"));
        await client.GetResponseAsync("3");
        await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("4"));

        Assert.Equal("ok again", (await client.GetResponseAsync("5")).Text);
    }

    [Fact]
    public void EndpointFailures_AreClassifiedFromTheSocketError()
    {
        Exception Wrapped(SocketError error) => new HttpRequestException(HttpRequestError.ConnectionError, "connect failed", new SocketException((int)error));

        Assert.Equal(EndpointFailureKind.CannotConnect, ProviderFailure.EndpointFailureOf(Wrapped(SocketError.ConnectionRefused)));
        Assert.Equal(EndpointFailureKind.CannotConnect, ProviderFailure.EndpointFailureOf(Wrapped(SocketError.HostUnreachable)));
        Assert.Equal(EndpointFailureKind.HostNotFound, ProviderFailure.EndpointFailureOf(Wrapped(SocketError.HostNotFound)));
        Assert.Equal(EndpointFailureKind.HostNotFound, ProviderFailure.EndpointFailureOf(new HttpRequestException(HttpRequestError.NameResolutionError, "no such host")));
        Assert.Null(ProviderFailure.EndpointFailureOf(Wrapped(SocketError.ConnectionReset)));
        Assert.True(ProviderFailure.IsTransient(Wrapped(SocketError.ConnectionReset), CancellationToken.None));
        Assert.False(ProviderFailure.IsTransient(Wrapped(SocketError.ConnectionRefused), CancellationToken.None));
        Assert.Equal(EndpointFailureKind.Unauthorized, ProviderFailure.EndpointFailureOf(new HttpRequestException("x", null, HttpStatusCode.Forbidden)));
        Assert.Equal(EndpointFailureKind.QuotaExhausted, ProviderFailure.EndpointFailureOf(new HttpRequestException("x", null, HttpStatusCode.PaymentRequired)));
        Assert.Null(ProviderFailure.EndpointFailureOf(new HttpRequestException("x", null, HttpStatusCode.TooManyRequests)));
    }

    /// <summary>A loopback port nothing listens on: bound to find a free one, then closed.</summary>
    internal static Uri ClosedPortUrl()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/v1");
    }
}
