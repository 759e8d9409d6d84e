using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Tests.Models;

/// <summary>
/// A <see cref="PromptDigest"/> lets the interaction records, the response cache key and the stored transcript share one
/// serialisation of a prompt; it may make their hashes faster, never different.
/// </summary>
public sealed class PromptDigestTests
{
    private static readonly ModelName Model = ModelName.Parse("openai/gpt-4o");

    private static List<ChatMessage> Messages() =>
        [new(ChatRole.System, "Framework “quoted” <b>text</b> — ünïcode"), new(ChatRole.User, "A document\nwith lines")];

    private static ChatOptions With(PromptDigest digest) =>
        new() { Temperature = 0, AdditionalProperties = new() { [ModelCallKeys.PromptDigest] = digest } };

    [Fact]
    public void A_digest_gives_the_hashes_and_bytes_of_serialising_the_messages()
    {
        var messages = Messages();
        var digest = PromptDigest.Of(messages);

        Assert.Equal(ChatRequestHasher.SerializeMessages(messages), digest.Bytes);
        Assert.Equal(ChatRequestHasher.HashMessages(messages), digest.Hash);
        Assert.Equal(digest.Hash, ChatRequestHasher.HashMessages(messages, With(digest)));
        // The cache key writes the digest's bytes where it wrote the messages: the same key, byte for byte.
        Assert.Equal(
            ChatRequestHasher.HashRequest(Model, new ChatOptions { Temperature = 0 }, messages),
            ChatRequestHasher.HashRequest(Model, With(digest), messages));
        Assert.Same(digest, PromptDigest.Of(With(digest), messages));
    }

    [Fact]
    public void A_digest_of_fewer_messages_or_of_another_list_is_not_used()
    {
        var messages = Messages();
        var digest = PromptDigest.Of(messages);
        var options = With(digest);

        // A re-ask appends to the same list: the digest no longer describes it.
        messages.Add(new ChatMessage(ChatRole.User, "Your answer was invalid."));
        Assert.Null(PromptDigest.Of(options, messages));
        Assert.Equal(ChatRequestHasher.HashMessages(messages), ChatRequestHasher.HashMessages(messages, options));
        Assert.NotEqual(digest.Hash, ChatRequestHasher.HashMessages(messages, options));
        Assert.Equal(
            ChatRequestHasher.HashRequest(Model, new ChatOptions { Temperature = 0 }, messages),
            ChatRequestHasher.HashRequest(Model, options, messages));

        // A copy of the messages is another list, even with the same contents.
        var copy = Messages();
        Assert.Null(PromptDigest.Of(With(PromptDigest.Of(copy[..1])), copy));
        Assert.Null(PromptDigest.Of(With(digest), Messages()));
    }
}
