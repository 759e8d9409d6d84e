using Discernus.Models;
using Discernus.Offline;
using Discernus.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

public sealed class ModelGatewayTests : IAsyncLifetime
{
    private const string OpenAIKey = "sk-test-OPENAI-0123456789abcdef";
    private const string AnthropicKey = "sk-ant-test-0123456789abcdef";

    private static readonly ModelGatewayOptions FastRetries = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
    };

    private FakeModelServer _server = null!;
    private readonly MemoryInteractionSink _sink = new();

    public Task InitializeAsync()
    {
        _server = FakeModelServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ModelGateway Gateway(IResponseCache? cache = null, params (string Key, string? Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            [OpenAIProvider.ApiKeyName] = OpenAIKey,
            [OpenAIProvider.BaseUrlName] = _server.OpenAIBaseUrl.ToString(),
            [AnthropicProvider.ApiKeyName] = AnthropicKey,
            [AnthropicProvider.BaseUrlName] = _server.AnthropicBaseUrl.ToString(),
            [ModelSettings.MaxRetriesVariable] = "2",
        };
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return new ModelGateway(ModelSettings.FromValues(values), FastRetries, _sink, cache);
    }

    [Fact]
    public async Task OpenAI_SendsModelKeyAndPrompt_AndReturnsAnswerWithUsage()
    {
        _server.EnqueueAnswer("{\"ok\": true}", promptTokens: 1000, completionTokens: 500);
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o-mini");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "analyse this")]);

        Assert.Equal("{\"ok\": true}", response.Text);
        Assert.Equal(1000, response.Usage?.InputTokenCount);
        Assert.Equal(500, response.Usage?.OutputTokenCount);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.Equal(OpenAIKey, request.ApiKey);
        Assert.Equal(["be brief", "analyse this"], request.MessageTexts);
    }

    [Fact]
    public async Task OpenAI_RecordsInteractionWithHashesTokensAndPrice()
    {
        _server.EnqueueAnswer("answer", promptTokens: 1000, completionTokens: 500);
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o-mini");

        await client.GetResponseAsync("prompt");

        var record = Assert.Single(_sink.Records);
        Assert.Equal("openai/gpt-4o-mini", record.Model);
        Assert.Equal("openai", record.Provider);
        Assert.Equal(1, record.Attempt);
        Assert.False(record.Cached);
        Assert.Null(record.Error);
        Assert.Equal(1000, record.PromptTokens);
        Assert.Equal(500, record.CompletionTokens);
        // gpt-4o-mini: 0.15 USD per 1M input, 0.60 per 1M output.
        Assert.Equal(0.00015m + 0.0003m, record.CostUsd);
        Assert.Equal(ChatRequestHasher.Sha256Hex("answer"), record.AnswerHash);
        Assert.Equal(ChatRequestHasher.HashMessages([new ChatMessage(ChatRole.User, "prompt")]), record.PromptHash);
        Assert.Matches("^[0-9a-f]{64}$", record.PromptHash);
    }

    [Fact]
    public async Task OpenAI_UnknownModel_HasNullCost()
    {
        _server.EnqueueAnswer("answer");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/some-future-model");

        await client.GetResponseAsync("prompt");

        Assert.Null(Assert.Single(_sink.Records).CostUsd);
    }

    [Fact]
    public async Task TransientFault_IsRetried_AndEachAttemptIsRecorded()
    {
        _server.EnqueueFault(503, "overloaded").EnqueueAnswer("second time lucky");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");

        var response = await client.GetResponseAsync("prompt");

        Assert.Equal("second time lucky", response.Text);
        Assert.Equal(2, _server.Requests.Count);
        var records = _sink.Records.OrderBy(r => r.Attempt).ToList();
        Assert.Equal([1, 2], records.Select(r => r.Attempt));
        Assert.Contains("503", records[0].Error);
        Assert.Null(records[0].AnswerHash);
        Assert.Null(records[1].Error);
    }

    [Fact]
    public async Task RateLimitFault_IsRetried()
    {
        _server.EnqueueFault(429, "slow down").EnqueueAnswer("ok");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");

        Assert.Equal("ok", (await client.GetResponseAsync("prompt")).Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Unauthorized_IsNotRetried_AndErrorNamesVariableButNotKey()
    {
        // Real providers echo (part of) a rejected key; the gateway must not pass it on.
        _server.EnqueueFault(401, $"Incorrect API key provided: {OpenAIKey}");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Single(_server.Requests);
        Assert.Equal(401, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("OPENAI_API_KEY", error.Message);
        Assert.Contains("openai/gpt-4o", error.Message);
        Assert.DoesNotContain(OpenAIKey, error.ToString());
        Assert.DoesNotContain(OpenAIKey, Assert.Single(_sink.Records).Error);
    }

    [Fact]
    public async Task PersistentTransientFault_FailsAfterConfiguredRetries()
    {
        _server.Handler = _ => FakeModelServerResponse.Fault(500, "boom");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(3, error.Attempts);
        Assert.True(error.IsTransient);
        Assert.Contains("3 attempts", error.Message);
        Assert.Contains(ModelSettings.MaxRetriesVariable, error.Message);
    }

    [Fact]
    public async Task SlowAttempt_TimesOut_AndIsRetried()
    {
        _server.Enqueue(FakeModelServerResponse.Answer("too late") with { Latency = TimeSpan.FromSeconds(20) }).EnqueueAnswer("in time");
        using var gateway = Gateway(null, (ModelSettings.TimeoutVariable, "1"));
        using var client = gateway.CreateClient("openai/gpt-4o");

        var response = await client.GetResponseAsync("prompt");

        Assert.Equal("in time", response.Text);
        var first = _sink.Records.Single(r => r.Attempt == 1);
        Assert.Contains("timed out", first.Error);
    }

    [Fact]
    public async Task CallerCancellation_IsNotRetried_NorWrapped()
    {
        _server.Handler = _ => FakeModelServerResponse.Answer("slow") with { Latency = TimeSpan.FromSeconds(20) };
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("prompt", cancellationToken: cancel.Token));

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task HostedRequest_DoesNotCarryDiscernusOptions()
    {
        _server.EnqueueAnswer("ok");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("openai/gpt-4o");
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                [LexiconInputs.Framework] = ModelsTestData.HopeFearFramework(),
                [LexiconInputs.DocumentText] = "SECRET-DOCUMENT-MARKER",
            },
        };

        await client.GetResponseAsync("prompt", options);

        var body = Assert.Single(_server.Requests).Body;
        Assert.DoesNotContain("discernus", body);
        Assert.DoesNotContain("SECRET-DOCUMENT-MARKER", body);
    }

    [Fact]
    public async Task Anthropic_SendsMessagesRequestWithKey_AndReturnsAnswer()
    {
        _server.EnqueueAnswer("claude says hi", promptTokens: 12, completionTokens: 3);
        using var gateway = Gateway();
        using var client = gateway.CreateClient("anthropic/claude-sonnet-4-20250514");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "system text"), new ChatMessage(ChatRole.User, "user text")]);

        Assert.Equal("claude says hi", response.Text);
        Assert.Equal(12, response.Usage?.InputTokenCount);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal("claude-sonnet-4-20250514", request.Model);
        Assert.Equal(AnthropicKey, request.ApiKey);
        Assert.Equal(["system text", "user text"], request.MessageTexts);
        var record = Assert.Single(_sink.Records);
        Assert.Equal("anthropic", record.Provider);
        // claude-sonnet-4: 3 USD per 1M input, 15 per 1M output.
        Assert.Equal((12 * 3m + 3 * 15m) / 1_000_000m, record.CostUsd);
    }

    [Fact]
    public async Task Anthropic_OverloadedThenSuccess_IsRetried()
    {
        _server.EnqueueFault(529, "Overloaded").EnqueueAnswer("ok");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("anthropic/claude-3-5-haiku-latest");

        Assert.Equal("ok", (await client.GetResponseAsync("prompt")).Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Anthropic_Unauthorized_FailsOnceWithClearError()
    {
        _server.EnqueueFault(401, "invalid x-api-key");
        using var gateway = Gateway();
        using var client = gateway.CreateClient("anthropic/claude-sonnet-4");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync("prompt"));

        Assert.Single(_server.Requests);
        Assert.Contains("ANTHROPIC_API_KEY", error.Message);
        Assert.DoesNotContain(AnthropicKey, error.ToString());
    }

    [Fact]
    public async Task Cache_ServesRepeatedRequestWithoutCallingProvider_OnceTheAnswerIsCommitted()
    {
        _server.EnqueueAnswer("first answer", promptTokens: 7, completionTokens: 2);
        var cache = new MemoryResponseCache();
        using var gateway = Gateway(cache);
        using var client = gateway.CreateClient("openai/gpt-4o");

        var first = await client.GetResponseAsync("same prompt");
        Assert.True(await client.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(first), first));
        var second = await client.GetResponseAsync("same prompt");

        Assert.Single(_server.Requests);
        Assert.Equal("first answer", second.Text);
        Assert.Equal(7, second.Usage?.InputTokenCount);
        Assert.True(second.AdditionalProperties?.ContainsKey(ModelCallKeys.Cached));
        Assert.Null(first.AdditionalProperties?.GetValueOrDefault(ModelCallKeys.Cached));
        Assert.Equal([false, true], _sink.Records.Select(r => r.Cached));
        Assert.Equal(0m, _sink.Records[1].CostUsd);
        Assert.Equal(_sink.Records[0].AnswerHash, _sink.Records[1].AnswerHash);
    }

    [Fact]
    public async Task Cache_KeyIncludesTheEndpoint_SoTheSameModelNameOnAnotherServerIsAskedAgain()
    {
        // Issue 14: a run against another server under the same model name replayed the first server's answers.
        await using var other = FakeModelServer.Start();
        _server.EnqueueAnswer("answer of the first server", promptTokens: 7, completionTokens: 2);
        other.EnqueueAnswer("answer of the second server", promptTokens: 7, completionTokens: 2);
        var cache = new MemoryResponseCache();
        using var first = Gateway(cache);
        using var second = Gateway(cache, (OpenAIProvider.BaseUrlName, other.OpenAIBaseUrl.ToString()));
        using var firstClient = first.CreateClient("openai/gpt-4o");
        using var secondClient = second.CreateClient("openai/gpt-4o");

        var fromFirst = await firstClient.GetResponseAsync("same prompt");
        Assert.True(await firstClient.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(fromFirst), fromFirst));
        var fromSecond = await secondClient.GetResponseAsync("same prompt");
        var again = await firstClient.GetResponseAsync("same prompt");

        Assert.Equal("answer of the second server", fromSecond.Text);
        Assert.Single(other.Requests);
        Assert.NotEqual(ResponseCacheCommit.CacheKeyOf(fromFirst), ResponseCacheCommit.CacheKeyOf(fromSecond));
        Assert.Equal("answer of the first server", again.Text);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Cache_NeverStoresAnAnswerTheCallerDidNotCommit()
    {
        _server.EnqueueAnswer("rejected by validation").EnqueueAnswer("asked again");
        var cache = new MemoryResponseCache();
        using var gateway = Gateway(cache);
        using var client = gateway.CreateClient("openai/gpt-4o");

        var first = await client.GetResponseAsync("same prompt");
        var second = await client.GetResponseAsync("same prompt");

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal("asked again", second.Text);
        Assert.Empty(cache.Keys);
        Assert.Equal(ResponseCacheCommit.CacheKeyOf(first), ResponseCacheCommit.CacheKeyOf(second));
    }

    [Fact]
    public async Task Cache_RefreshMode_AsksTheProvider_AndACommitReplacesTheStoredAnswer()
    {
        _server.EnqueueAnswer("old answer").EnqueueAnswer("new answer");
        var cache = new MemoryResponseCache();
        using var gateway = Gateway(cache);
        using var client = gateway.CreateClient("openai/gpt-4o");
        var refresh = new ChatOptions { AdditionalProperties = new() { [ModelCallKeys.CacheMode] = CacheModes.Refresh } };

        var old = await client.GetResponseAsync("prompt");
        await client.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(old), old);
        var fresh = await client.GetResponseAsync("prompt", refresh);
        await client.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(fresh), fresh);
        var served = await client.GetResponseAsync("prompt");

        Assert.Equal(2, _server.Requests.Count);
        Assert.False(ResponseCacheCommit.IsCached(fresh));
        Assert.True(ResponseCacheCommit.IsCached(served));
        Assert.Equal("new answer", served.Text);
        Assert.Single(cache.Keys);
    }

    [Fact]
    public async Task Cache_DoesNotServeDifferentPromptOrModel()
    {
        var cache = new MemoryResponseCache();
        using var gateway = Gateway(cache);
        using var gpt4o = gateway.CreateClient("openai/gpt-4o");
        using var mini = gateway.CreateClient("openai/gpt-4o-mini");

        foreach (var (client, prompt) in new[] { (gpt4o, "prompt one"), (gpt4o, "prompt two"), (mini, "prompt one") })
        {
            var response = await client.GetResponseAsync(prompt);
            await client.CommitToCacheAsync(ResponseCacheCommit.CacheKeyOf(response), response);
        }

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(3, cache.Keys.Count);
    }

    [Fact]
    public void CreateClient_WithoutKey_NamesTheVariable()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty);

        var error = Assert.Throws<ModelConfigurationException>(() => gateway.CreateClient("openai/gpt-4o"));

        Assert.Contains("OPENAI_API_KEY", error.Message);
    }

    [Fact]
    public void CreateClient_OpenAICompatibleWithoutUrl_NamesTheVariable()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty);

        var error = Assert.Throws<ModelConfigurationException>(() => gateway.CreateClient("openai-compatible/my-model"));

        Assert.Contains(OpenAICompatibleProvider.BaseUrlName, error.Message);
    }

    [Fact]
    public async Task OpenAICompatibleAndOllama_UseTheirBaseUrls()
    {
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(ModelsTestData.Env(
                (OpenAICompatibleProvider.BaseUrlName, _server.OpenAIBaseUrl.ToString()),
                (OllamaProvider.BaseUrlName, _server.OpenAIBaseUrl + "/"))),
            FastRetries);
        using var compatible = gateway.CreateClient("openai-compatible/local-model");
        using var ollama = gateway.CreateClient("ollama/llama3.1:8b");

        await compatible.GetResponseAsync("a");
        await ollama.GetResponseAsync("b");

        Assert.Equal(["local-model", "llama3.1:8b"], _server.Requests.Select(r => r.Model));
        Assert.All(_server.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));
    }

    [Fact]
    public async Task Gemini_UsesOpenAICompatibleEndpointWithGoogleKeyFallback()
    {
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(ModelsTestData.Env(
                (GeminiProvider.GoogleApiKeyName, "google-key-123456"),
                (GeminiProvider.BaseUrlName, _server.OpenAIBaseUrl.ToString()))),
            FastRetries);
        using var client = gateway.CreateClient("gemini/gemini-2.5-flash");

        await client.GetResponseAsync("a");

        var request = Assert.Single(_server.Requests);
        Assert.Equal("gemini-2.5-flash", request.Model);
        Assert.Equal("google-key-123456", request.ApiKey);
    }

    [Fact]
    public async Task OpenRouter_SendsVendorQualifiedModelWithItsKey()
    {
        using var gateway = new ModelGateway(
            ModelSettings.FromValues(ModelsTestData.Env(
                (OpenRouterProvider.ApiKeyName, "or-key-123456"),
                (OpenRouterProvider.BaseUrlName, _server.OpenAIBaseUrl.ToString()))),
            FastRetries);
        using var client = gateway.CreateClient("openrouter/anthropic/claude-3.5-sonnet");

        await client.GetResponseAsync("a");

        var request = Assert.Single(_server.Requests);
        Assert.Equal("anthropic/claude-3.5-sonnet", request.Model);
        Assert.Equal("or-key-123456", request.ApiKey);
    }

    [Fact]
    public async Task Lexicon_NeedsNoKey_AndIsRecordedAtZeroCost()
    {
        using var gateway = new ModelGateway(ModelSettings.Empty, ModelsTestData.WithLexicon(), sink: _sink);
        using var client = gateway.CreateClient(ModelName.Lexicon);

        var response = await client.GetResponseAsync("hello");

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        var record = Assert.Single(_sink.Records);
        Assert.Equal("lexicon", record.Model);
        Assert.Equal(0m, record.CostUsd);
        Assert.Empty(_server.Requests);
    }
}
