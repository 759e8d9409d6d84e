using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Discernus.Models;

/// <summary>
/// Turns a <see cref="ModelName"/> into an <see cref="IChatClient"/>. One gateway serves a whole process (every run of
/// it), so what it shares is shared by all runs: per model a circuit breaker, per provider endpoint the adaptive
/// concurrency bound and the requests/tokens-per-minute limits (over an <see cref="ITokenBucketStore"/>: in memory, or on
/// the external Redis so every worker shares them). Hosted models are wrapped, outermost first, in: the response cache
/// (<see cref="ArtifactCachingChatClient"/>, when a cache is given; it serves only answers a caller committed after
/// validation); the fail-fast breaker (<see cref="FailFastChatClient"/>); the endpoint's retries and outage breaker
/// (<see cref="ResilientChatClient"/> over <see cref="EndpointResilience"/>: failures of a request retried a few times
/// honouring <c>Retry-After</c>; 429s and an endpoint that is away waited out, up to the outage limit, without spending
/// the retries); the adaptive concurrency bound
/// (<see cref="AdaptiveConcurrencyChatClient"/>); the rate limits (<see cref="RateLimitingChatClient"/>, when
/// <c>DISCERNUS_MODEL_REQUESTS_PER_MINUTE</c> or <c>DISCERNUS_MODEL_TOKENS_PER_MINUTE</c> is set); the interaction record
/// (<see cref="InteractionRecordingChatClient"/>, when a sink is given; one record per attempt); the per-attempt time-out
/// (<see cref="AttemptTimeoutChatClient"/>, a Polly timeout pipeline); and the removal of Discernus-only options. The SDKs'
/// own retries are switched off so that only the gateway retries. The bare client comes from the model's
/// <see cref="ModelProvider"/> description; the offline models (<c>lexicon</c>, <c>minilm</c>) are the
/// <see cref="IOfflineModel"/>s the host registered, recorded but never cached, limited or retried. Configuration errors (unknown
/// provider, missing key or URL) are thrown here, before any call, as <see cref="ModelConfigurationException"/>.
/// </summary>
internal sealed class ModelGateway : IDisposable
{
    private readonly ModelSettings _settings;
    private readonly ModelGatewayOptions _options;
    private readonly ILlmInteractionSink? _sink;
    private readonly IResponseCache? _cache;
    private readonly TimeProvider _timeProvider;
    private readonly PriceTable _prices;
    private readonly ITokenBucketStore _buckets;
    private readonly IConcurrencyCeilingStore? _ceilings;
    private readonly ILogger _logger;
    private readonly Telemetry.DiscernusMetrics? _metrics;
    private readonly ResiliencePipeline _timeout;
    private readonly ConcurrentDictionary<string, ModelCircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EndpointLimits> _endpoints = new(StringComparer.Ordinal);
    private bool _disposed;

    public ModelGateway(
        ModelSettings settings,
        ModelGatewayOptions? options = null,
        ILlmInteractionSink? sink = null,
        IResponseCache? cache = null,
        TimeProvider? timeProvider = null,
        PriceTable? prices = null,
        ITokenBucketStore? buckets = null,
        IConcurrencyCeilingStore? ceilings = null,
        ILogger? logger = null,
        Telemetry.DiscernusMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _options = options ?? new ModelGatewayOptions();
        _options.Validate();
        _sink = sink;
        _cache = cache;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _prices = prices ?? PriceTable.LoadDefault();
        _buckets = buckets ?? new LocalTokenBucketStore(_timeProvider);
        _ceilings = ceilings;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _timeout = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }.AddTimeout(_settings.Timeout).Build();
    }

    public ModelSettings Settings => _settings;

    public PriceTable Prices => _prices;

    public ModelGatewayOptions Options => _options;

    public IChatClient CreateClient(string modelName) => CreateClient(ModelName.Parse(modelName));

    /// <summary>A client for the model whose calls are recorded in the gateway's sink, if any.</summary>
    public IChatClient CreateClient(ModelName model) => CreateClient(model, _sink);

    /// <summary>
    /// A client for the model with the gateway's middleware, its calls recorded in <paramref name="sink"/> (a run's log);
    /// dispose it when done (breakers and limits stay with the gateway, shared by every client).
    /// </summary>
    public IChatClient CreateClient(ModelName model, ILlmInteractionSink? sink)
    {
        ArgumentNullException.ThrowIfNull(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var recorder = sink is null ? null : new LlmInteractionRecorder(sink, model, _prices, _timeProvider, _settings.Redact, _metrics);

        // Outermost: one gen_ai span per call as the agent sees it (cache hits and retries inside it), a child of the
        // task's span. Prompts and answers are never recorded on it (EnableSensitiveData off, whatever the environment says).
        var builder = new ChatClientBuilder(CreateProviderClient(model))
            .UseOpenTelemetry(sourceName: Telemetry.DiscernusActivities.SourceName, configure: otel => otel.EnableSensitiveData = false);
        if (!model.IsHosted)
        {
            // An offline model answers in milliseconds, but its wait is bounded all the same: a call that never ends
            // (a fault in the model's code) fails its task with "timed out" instead of holding the run until its stall.
            if (recorder is not null)
            {
                builder.UseInteractionRecording(recorder);
            }

            return builder.UseAttemptTimeout(_timeout).Build();
        }

        var endpoint = _settings.RequireBaseUrl(model);
        // Outermost: a batch answer for this very request is served (and recorded, billed as batch) without a call.
        builder.Use(inner => new PreparedAnswerChatClient(inner, model, endpoint, recorder));
        if (_cache is not null)
        {
            builder.UseArtifactCaching(_cache, model, endpoint, recorder);
        }

        builder.UseFailFast(BreakerFor(model, endpoint));
        var limits = LimitsFor(model, endpoint);
        builder.UseResilience(limits.Resilience, model, endpoint, _settings.Redact);
        builder.UseAdaptiveConcurrency(limits.Concurrency);
        if (limits.Rate is { } rate)
        {
            builder.UseRateLimiting(rate, _options.CompletionTokenAllowance);
        }

        if (recorder is not null)
        {
            builder.UseInteractionRecording(recorder);
        }

        return builder.UseAttemptTimeout(_timeout).UseOptionsScrubbing().Build();
    }

    /// <summary>The breaker of a hosted model, made now if need be; null for an offline model or one without an endpoint here.</summary>
    public ModelCircuitBreaker? BreakerFor(ModelName model) =>
        model.IsHosted && _settings.BaseUrls.TryGetValue(model.Provider, out var endpoint) ? BreakerFor(model, endpoint) : null;

    /// <summary>Every breaker made so far, by model name, and whether it is open (the breaker gauge, /readyz).</summary>
    public IEnumerable<KeyValuePair<string, bool>> BreakerStates() =>
        _breakers.Select(b => new KeyValuePair<string, bool>(b.Key, b.Value.IsOpen));

    /// <summary>The breaker of a hosted model, once a client for it was created (for progress displays and tests).</summary>
    public ModelCircuitBreaker? BreakerOf(ModelName model) => _breakers.GetValueOrDefault(model.ToString());

    /// <summary>The adaptive concurrency bound of a hosted model's endpoint, once a client for it was created.</summary>
    public AdaptiveConcurrencyLimiter? ConcurrencyOf(ModelName model) =>
        _settings.BaseUrls.TryGetValue(model.Provider, out var endpoint) && _endpoints.TryGetValue(EndpointKey(model, endpoint), out var limits) ? limits.Concurrency : null;

    /// <summary>The outage state of a hosted model's endpoint, once a client for it was created.</summary>
    public EndpointOutage? OutageOf(ModelName model) =>
        _settings.BaseUrls.TryGetValue(model.Provider, out var endpoint) && _endpoints.TryGetValue(EndpointKey(model, endpoint), out var limits) ? limits.Resilience.Outage : null;

    /// <summary>The bare provider adapter, without middleware.</summary>
    internal IChatClient CreateProviderClient(ModelName model) => model.Provider.CreateClient(model, new ProviderClientContext(_settings, _options));

    public void Dispose() => _disposed = true;

    private ModelCircuitBreaker BreakerFor(ModelName model, Uri endpoint) =>
        _breakers.GetOrAdd(model.ToString(), _ => new ModelCircuitBreaker(model, endpoint, _options, _timeProvider, _settings.Redact));

    private EndpointLimits LimitsFor(ModelName model, Uri endpoint) =>
        _endpoints.GetOrAdd(EndpointKey(model, endpoint), key =>
        {
            var concurrency = new AdaptiveConcurrencyLimiter(_options.MaxConcurrentCalls, _options.InitialConcurrentCalls);
            if (_ceilings is not null)
            {
                // Workers on one Redis learn the provider's ceiling together (see SharedConcurrencyCeiling).
                concurrency.Share(new SharedConcurrencyCeiling(_ceilings, "limit:" + key + ":concurrency", _options.MaxConcurrentCalls, _timeProvider, _logger));
            }

            return new EndpointLimits(
                concurrency,
                _settings.RequestsPerMinute is null && _settings.TokensPerMinute is null
                    ? null
                    : new ModelRateLimiter(_buckets, "limit:" + key, _settings.RequestsPerMinute, _settings.TokensPerMinute, _timeProvider),
                new EndpointResilience(new EndpointOutage(endpoint, _options, _settings.OutageLimit, _timeProvider, _settings.Redact, _logger), _settings, _options, _timeProvider));
        });

    // Limits belong to an account at an endpoint; the URL is hashed so bucket names stay short and free of secrets.
    private static string EndpointKey(ModelName model, Uri endpoint) =>
        $"{model.ProviderPrefix}:{ChatRequestHasher.Sha256Hex(endpoint.ToString())[..16]}";

    private sealed record EndpointLimits(AdaptiveConcurrencyLimiter Concurrency, ModelRateLimiter? Rate, EndpointResilience Resilience);
}
