using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Marks the end of the system prompt as an Anthropic prompt-cache breakpoint (<c>cache_control: {"type":
/// "ephemeral"}</c>). Agents put everything a run shares (role, framework, instructions, answer format) in the system
/// message and the document after it, so every request of a run but the first reads that prefix from the provider's
/// cache. Anthropic caches only what is marked; OpenAI-compatible providers cache long prefixes by themselves, so the
/// gateway wraps only the Anthropic adapter in this. The caller's messages are left as they are: the marked system
/// message is a copy.
/// </summary>
internal sealed class PromptCacheMarkingChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Mark(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Mark(messages), options, cancellationToken);

    /// <summary>The messages with the last text of the last leading system message marked as the end of the cached prefix.</summary>
    internal static List<ChatMessage> Mark(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        var last = -1;
        while (last + 1 < list.Count && list[last + 1].Role == ChatRole.System)
        {
            last++;
        }

        if (last < 0 || list[last].Contents.LastOrDefault() is not TextContent text)
        {
            return list;
        }

        var marked = new TextContent(text.Text)
        {
            AdditionalProperties = text.AdditionalProperties is null ? null : new AdditionalPropertiesDictionary(text.AdditionalProperties),
        }.WithCacheControl(new CacheControlEphemeral());
        var contents = list[last].Contents.Take(list[last].Contents.Count - 1).Append(marked).ToList();
        list[last] = new ChatMessage(list[last].Role, contents) { AuthorName = list[last].AuthorName, MessageId = list[last].MessageId };
        return list;
    }
}
