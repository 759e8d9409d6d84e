using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>Builds <see cref="LlmInteraction"/> records for one model and hands them to the sink; shared by the recording and caching middleware.</summary>
internal sealed class LlmInteractionRecorder(
    ILlmInteractionSink sink,
    ModelName model,
    PriceTable prices,
    TimeProvider timeProvider,
    Func<string, string> redact,
    Telemetry.DiscernusMetrics? metrics = null)
{
    public TimeProvider TimeProvider => timeProvider;

    /// <summary>Tells the sink a provider request is about to be sent; returns its call id for the record that follows (null for an offline model).</summary>
    public async ValueTask<string?> BeginAsync(DateTimeOffset startedAt, IEnumerable<ChatMessage> messages, ChatOptions? options, int attempt, CancellationToken cancellationToken)
    {
        if (!model.IsHosted)
        {
            return null;
        }

        var callId = Guid.NewGuid().ToString("N");
        await sink.BeginAsync(new LlmCallStart
        {
            CallId = callId,
            Timestamp = startedAt,
            Model = model.ToString(),
            Provider = model.ProviderPrefix,
            PromptHash = ChatRequestHasher.HashMessages(messages, options),
            Attempt = attempt,
            CallerAgent = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerAgent),
            CallerStage = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerStage),
            TaskId = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerTask),
        }, cancellationToken).ConfigureAwait(false);
        return callId;
    }

    public ValueTask RecordSuccessAsync(
        DateTimeOffset startedAt, long startTimestamp, IEnumerable<ChatMessage> messages, ChatOptions? options, ChatResponse response, int attempt, bool cached,
        CancellationToken cancellationToken, string? callId = null)
    {
        var promptTokens = response.Usage?.InputTokenCount;
        var completionTokens = response.Usage?.OutputTokenCount;
        var batch = ModelCallKeys.Text(response.AdditionalProperties, ModelCallKeys.BillingMode) == ModelCallKeys.BatchMode;
        return RecordAsync(
            options,
            new LlmInteraction
            {
                Timestamp = startedAt,
                Model = model.ToString(),
                Provider = model.ProviderPrefix,
                PromptHash = ChatRequestHasher.HashMessages(messages, options),
                AnswerHash = ChatRequestHasher.Sha256Hex(response.Text),
                PromptTokens = promptTokens,
                CompletionTokens = completionTokens,
                CachedInputTokens = cached ? null : response.Usage?.CachedInputTokenCount,
                CacheWriteTokens = cached ? null : ProviderUsage.CacheWritesOf(response.Usage),
                DurationMs = ElapsedMs(startTimestamp),
                // A cached answer cost nothing this time.
                CostUsd = cached ? 0m
                    : promptTokens is null && completionTokens is null ? prices.CostOf(model, promptTokens, completionTokens)
                    : prices.CostOf(model, ProviderUsage.Of(response.Usage), batch ? BillingMode.Batch : BillingMode.Interactive),
                Mode = batch ? LlmInteraction.Modes.Batch : LlmInteraction.Modes.Interactive,
                Cached = cached,
                Attempt = attempt,
                CallerAgent = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerAgent),
                CallerStage = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerStage),
                TaskId = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerTask),
                CallId = callId,
            },
            null,
            cancellationToken);
    }

    public ValueTask RecordFailureAsync(
        DateTimeOffset startedAt, long startTimestamp, IEnumerable<ChatMessage> messages, ChatOptions? options, Exception error, int attempt,
        CancellationToken cancellationToken, string? callId = null) =>
        RecordAsync(
            options,
            new LlmInteraction
            {
                Timestamp = startedAt,
                Model = model.ToString(),
                Provider = model.ProviderPrefix,
                PromptHash = ChatRequestHasher.HashMessages(messages, options),
                DurationMs = ElapsedMs(startTimestamp),
                Cached = false,
                Attempt = attempt,
                Error = redact(ProviderFailure.Describe(error)),
                CallerAgent = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerAgent),
                CallerStage = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerStage),
                TaskId = ModelCallKeys.Text(options?.AdditionalProperties, ModelCallKeys.CallerTask),
                CallId = callId,
            },
            ProviderFailure.StatusCode(error),
            cancellationToken);

    private long ElapsedMs(long startTimestamp) => (long)timeProvider.GetElapsedTime(startTimestamp).TotalMilliseconds;

    private ValueTask RecordAsync(ChatOptions? options, LlmInteraction interaction, int? statusCode, CancellationToken cancellationToken)
    {
        ModelCallTally.Of(options)?.Add(interaction);
        metrics?.ModelCall(interaction.Model, TimeSpan.FromMilliseconds(interaction.DurationMs), interaction.Cached, interaction.Error is not null, statusCode,
            interaction.PromptTokens, interaction.CompletionTokens, interaction.CostUsd);
        return sink.RecordAsync(interaction, cancellationToken);
    }
}
