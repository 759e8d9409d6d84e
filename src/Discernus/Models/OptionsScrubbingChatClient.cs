using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Removes Discernus' own entries (<c>discernus.*</c>: the framework object and document text meant for the lexicon
/// model, the gateway's attempt counter) from <c>ChatOptions.AdditionalProperties</c> before a hosted provider sees
/// them, so agents can pass the same options to every model without leaking inputs into wire requests.
/// </summary>
internal sealed class OptionsScrubbingChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public const string Prefix = "discernus.";

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Scrub(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Scrub(options), cancellationToken);

    private static ChatOptions? Scrub(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } extra || !extra.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            return options;
        }

        var clone = options.Clone();
        var kept = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in extra)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                kept[key] = value;
            }
        }

        clone.AdditionalProperties = kept.Count == 0 ? null : kept;
        return clone;
    }
}
