using Microsoft.Extensions.AI;
using Polly;

namespace Discernus.Models;

/// <summary>The <c>UseX</c> extensions of this folder's middleware, in the Microsoft.Extensions.AI style (first added = outermost).</summary>
internal static class ChatClientBuilderExtensions
{
    public static ChatClientBuilder UseArtifactCaching(this ChatClientBuilder builder, IResponseCache cache, ModelName model, Uri? endpoint, LlmInteractionRecorder? recorder) =>
        builder.Use(inner => new ArtifactCachingChatClient(inner, cache, model, endpoint, recorder));

    public static ChatClientBuilder UseFailFast(this ChatClientBuilder builder, ModelCircuitBreaker breaker) =>
        builder.Use(inner => new FailFastChatClient(inner, breaker));

    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, EndpointResilience resilience, ModelName model, Uri endpoint, Func<string, string> redact) =>
        builder.Use(inner => new ResilientChatClient(inner, resilience, model, endpoint, redact));

    public static ChatClientBuilder UseAdaptiveConcurrency(this ChatClientBuilder builder, AdaptiveConcurrencyLimiter limiter) =>
        builder.Use(inner => new AdaptiveConcurrencyChatClient(inner, limiter));

    public static ChatClientBuilder UseRateLimiting(this ChatClientBuilder builder, ModelRateLimiter limiter, int completionAllowance) =>
        builder.Use(inner => new RateLimitingChatClient(inner, limiter, completionAllowance));

    public static ChatClientBuilder UseInteractionRecording(this ChatClientBuilder builder, LlmInteractionRecorder recorder) =>
        builder.Use(inner => new InteractionRecordingChatClient(inner, recorder));

    public static ChatClientBuilder UseAttemptTimeout(this ChatClientBuilder builder, ResiliencePipeline timeout) =>
        builder.Use(inner => new AttemptTimeoutChatClient(inner, timeout));

    public static ChatClientBuilder UseOptionsScrubbing(this ChatClientBuilder builder) =>
        builder.Use(inner => new OptionsScrubbingChatClient(inner));
}
