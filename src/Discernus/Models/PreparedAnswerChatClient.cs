using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Serves an answer the provider already gave for this very request (a batch answer: options carry it under
/// <see cref="ModelCallKeys.PreparedAnswer"/>) instead of sending it again; the outermost middleware, so the answer is
/// recorded once as a provider request in its billing mode and carries the response-cache key of the request, to be
/// committed by the agent only after validation like any fresh answer. A request whose messages differ from the
/// prepared one (a validation re-ask) goes on to the provider.
/// </summary>
internal sealed class PreparedAnswerChatClient(IChatClient innerClient, ModelName model, Uri endpoint, LlmInteractionRecorder? recorder)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.AdditionalProperties?.TryGetValue(ModelCallKeys.PreparedAnswer, out var value) != true || value is not ChatResponse prepared)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        if (ModelCallKeys.Text(prepared.AdditionalProperties, ModelCallKeys.PreparedPromptHash) != ChatRequestHasher.HashMessages(list, options))
        {
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }

        var startedAt = recorder?.TimeProvider.GetUtcNow() ?? default;
        var start = recorder?.TimeProvider.GetTimestamp() ?? 0;
        var response = new ChatResponse(prepared.Messages.ToList())
        {
            ModelId = prepared.ModelId,
            Usage = prepared.Usage,
            FinishReason = prepared.FinishReason,
            ResponseId = prepared.ResponseId,
            AdditionalProperties = new AdditionalPropertiesDictionary(prepared.AdditionalProperties!)
            {
                [ModelCallKeys.CacheKey] = ChatRequestHasher.HashRequest(model, endpoint, options, list),
                [ModelCallKeys.Requests] = 1,
            },
        };
        if (recorder is not null)
        {
            await recorder.RecordSuccessAsync(startedAt, start, list, options, response, attempt: 1, cached: false, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }
}
