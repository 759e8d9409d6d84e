using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// The serialised messages of one request (<see cref="ChatRequestHasher.SerializeMessages"/>) and their SHA-256, the
/// <c>prompt_hash</c>. A document's prompt carries the whole framework (25 KB and more), and the interaction records, the
/// response cache key and the stored transcript each serialised and hashed it again; the agent now makes it once per
/// attempt and passes it on in the options (<see cref="ModelCallKeys.PromptDigest"/>).
/// <para>It describes only the very list it was made from, at the length it had then: a layer that copies the
/// messages, or a retry that appends to them, gets no digest and serialises the messages itself, so a digest can make a
/// hash faster but never different.</para>
/// </summary>
internal sealed class PromptDigest
{
    private readonly IReadOnlyList<ChatMessage> _messages;
    private readonly int _count;

    private PromptDigest(IReadOnlyList<ChatMessage> messages, byte[] bytes)
    {
        _messages = messages;
        _count = messages.Count;
        Bytes = bytes;
        Hash = ChatRequestHasher.Sha256Hex(bytes);
    }

    public byte[] Bytes { get; }

    public string Hash { get; }

    public static PromptDigest Of(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new PromptDigest(messages, ChatRequestHasher.SerializeMessages(messages));
    }

    /// <summary>The digest <paramref name="options"/> carry, when it describes <paramref name="messages"/>; else null.</summary>
    public static PromptDigest? Of(ChatOptions? options, IEnumerable<ChatMessage> messages) =>
        options?.AdditionalProperties?.TryGetValue(ModelCallKeys.PromptDigest, out var value) == true
            && value is PromptDigest digest && ReferenceEquals(digest._messages, messages) && digest._messages.Count == digest._count
            ? digest
            : null;
}
