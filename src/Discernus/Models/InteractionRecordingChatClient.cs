using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Records every call that reaches the provider as an <see cref="LlmInteraction"/>. The gateway places it
/// inside the retry middleware, so each attempt is recorded with its attempt number and, on failure, its error.
/// Streaming calls pass through unrecorded (agents do not stream).
/// </summary>
internal sealed class InteractionRecordingChatClient(IChatClient innerClient, LlmInteractionRecorder recorder)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var attempt = options?.AdditionalProperties?.TryGetValue(ModelCallKeys.Attempt, out int n) == true ? n : 1;
        var startedAt = recorder.TimeProvider.GetUtcNow();
        var start = recorder.TimeProvider.GetTimestamp();
        var callId = await recorder.BeginAsync(startedAt, list, options, attempt, cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The audit trail must show failed attempts too, including cancelled ones, so the write ignores the caller's token.
            await recorder.RecordFailureAsync(startedAt, start, list, options, ex, attempt, CancellationToken.None, callId).ConfigureAwait(false);
            throw;
        }

        await recorder.RecordSuccessAsync(startedAt, start, list, options, response, attempt, cached: false, CancellationToken.None, callId).ConfigureAwait(false);
        return response;
    }
}
