using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using Polly;
using Polly.Retry;

namespace Discernus.Models;

/// <summary>
/// Turns a <see cref="ModelName"/> into an <see cref="IChatClient"/>. Hosted models are wrapped, outermost first, in:
/// the response cache (<see cref="ArtifactCachingChatClient"/>, when a cache is given); retries with exponential back-off
/// and jitter on transient failures (<see cref="ResilientChatClient"/>, a Polly retry pipeline); the provider's rate limit
/// (<see cref="RateLimitingChatClient"/>, when <c>DISCERNUS_MODEL_REQUESTS_PER_MINUTE</c> is set); the interaction record
/// (<see cref="InteractionRecordingChatClient"/>, when a sink is given; one record per attempt); the per-attempt time-out
/// (<see cref="AttemptTimeoutChatClient"/>, a Polly timeout pipeline); and the removal of Discernus-only options. The SDKs' own retries are
/// switched off so that only the gateway retries. <c>lexicon</c> is the offline <see cref="LexiconChatClient"/>, recorded
/// but never cached, limited or retried. Configuration errors (unknown provider, missing key or URL) are thrown here,
/// before any call, as <see cref="ModelConfigurationException"/>.
/// </summary>
internal sealed class ModelGateway : IDisposable
{
    // Margin so the SDK's own HTTP time-out never fires before the gateway's per-attempt time-out.
    private static readonly TimeSpan SdkTimeoutMargin = TimeSpan.FromSeconds(30);

    private readonly ModelSettings _settings;
    private readonly ModelGatewayOptions _options;
    private readonly ILlmInteractionSink? _sink;
    private readonly IResponseCache? _cache;
    private readonly TimeProvider _timeProvider;
    private readonly PriceTable _prices;
    private readonly Dictionary<ModelProvider, PacedRateLimiter> _limiters = [];
    private readonly Lock _limitersLock = new();
    private bool _disposed;

    public ModelGateway(
        ModelSettings settings,
        ModelGatewayOptions? options = null,
        ILlmInteractionSink? sink = null,
        IResponseCache? cache = null,
        TimeProvider? timeProvider = null,
        PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _options = options ?? new ModelGatewayOptions();
        _options.Validate();
        _sink = sink;
        _cache = cache;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _prices = prices ?? PriceTable.LoadDefault();
    }

    public ModelSettings Settings => _settings;

    public PriceTable Prices => _prices;

    public IChatClient CreateClient(string modelName) => CreateClient(ModelName.Parse(modelName));

    /// <summary>A client for the model with the gateway's middleware; dispose it when done (shared limiters stay with the gateway).</summary>
    public IChatClient CreateClient(ModelName model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var recorder = _sink is null ? null : new LlmInteractionRecorder(_sink, model, _prices, _timeProvider, _settings.Redact);
        var builder = new ChatClientBuilder(CreateProviderClient(model));
        if (!model.IsHosted)
        {
            return recorder is null ? builder.Build() : builder.UseInteractionRecording(recorder).Build();
        }

        if (_cache is not null)
        {
            builder.UseArtifactCaching(_cache, model, recorder);
        }

        builder.UseResilience(BuildRetryPipeline(), model, _settings.Redact);
        if (LimiterFor(model.Provider) is { } limiter)
        {
            builder.UseRateLimiting(limiter.Limiter);
        }

        if (recorder is not null)
        {
            builder.UseInteractionRecording(recorder);
        }

        return builder.UseAttemptTimeout(BuildTimeoutPipeline()).UseOptionsScrubbing().Build();
    }

    /// <summary>The bare provider adapter, without middleware.</summary>
    internal IChatClient CreateProviderClient(ModelName model) => model.Provider switch
    {
        ModelProvider.Lexicon => new LexiconChatClient(),
        ModelProvider.MiniLM => OfflineModelRegistry.CreateClient(_options.OfflineModels, model),
        ModelProvider.Anthropic => CreateAnthropicClient(model),
        _ => CreateOpenAICompatibleClient(model),
    };

    public void Dispose()
    {
        lock (_limitersLock)
        {
            _disposed = true;
            foreach (var limiter in _limiters.Values)
            {
                limiter.Dispose();
            }

            _limiters.Clear();
        }
    }

    private IChatClient CreateOpenAICompatibleClient(ModelName model)
    {
        var key = _settings.RequireApiKey(model);
        var endpoint = _settings.RequireBaseUrl(model);
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = _settings.Timeout + SdkTimeoutMargin,
            UserAgentApplicationId = "discernus",
        };

        // Local servers (Ollama, a keyless OpenAI-compatible one) ignore the key, but the SDK requires a non-empty one.
        var credential = new ApiKeyCredential(key ?? "no-key");
        return new OpenAI.Chat.ChatClient(model.Model, credential, options).AsIChatClient();
    }

    private IChatClient CreateAnthropicClient(ModelName model)
    {
        var key = _settings.RequireApiKey(model);
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = key,
            BaseUrl = _settings.RequireBaseUrl(model).ToString().TrimEnd('/'),
            MaxRetries = 0,
            Timeout = _settings.Timeout + SdkTimeoutMargin,
        });
        return client.AsIChatClient(model.Model, _options.DefaultMaxOutputTokens);
    }

    private ResiliencePipeline BuildRetryPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _timeProvider };
        if (_settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && ProviderFailure.IsTransient(ex, args.Context.CancellationToken)),
                MaxRetryAttempts = _settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = _options.UseJitter,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.MaxRetryDelay,
            });
        }

        return builder.Build();
    }

    private ResiliencePipeline BuildTimeoutPipeline() =>
        new ResiliencePipelineBuilder { TimeProvider = _timeProvider }.AddTimeout(_settings.Timeout).Build();

    private PacedRateLimiter? LimiterFor(ModelProvider provider)
    {
        if (_settings.RequestsPerMinute is not { } rpm)
        {
            return null;
        }

        lock (_limitersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_limiters.TryGetValue(provider, out var limiter))
            {
                limiter = new PacedRateLimiter(rpm, _timeProvider);
                _limiters[provider] = limiter;
            }

            return limiter;
        }
    }
}
