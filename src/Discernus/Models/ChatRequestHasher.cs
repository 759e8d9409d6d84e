using System.Text.Json;
using Discernus.Content;
using Discernus.Experiments;
using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// Canonical serialisation and SHA-256 hashes of chat requests: the <c>prompt_hash</c> of interaction
/// records and the key of the response cache. The serialisation is fixed (property order, no indentation)
/// so the same request hashes the same on every machine.
/// </summary>
internal static class ChatRequestHasher
{
    /// <summary>
    /// SHA-256 of the messages serialised as <c>[{"role":"user","contents":[{"type":"text","text":"..."}]}]</c>;
    /// non-text contents contribute their type and JSON form.
    /// </summary>
    public static string HashMessages(IEnumerable<ChatMessage> messages) => Sha256Hex(SerializeMessages(messages));

    /// <summary>The <see cref="HashMessages(IEnumerable{ChatMessage})"/> of messages sent with <paramref name="options"/>, from their <see cref="PromptDigest"/> when it describes them.</summary>
    public static string HashMessages(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        PromptDigest.Of(options, messages)?.Hash ?? HashMessages(messages);

    /// <summary>
    /// The response-cache key: SHA-256 of the model name (its provider included), the endpoint that answers it, the
    /// options that change an answer, and the messages. The same model name on another server is another model (a local
    /// server, a proxy, a fine-tune behind the same name), so its answers are never replayed for it. Internal per-attempt
    /// keys (<see cref="ModelCallKeys"/>) are left out so a retry maps to the same key.
    /// </summary>
    public static string HashRequest(ModelName model, ChatOptions? options, IEnumerable<ChatMessage> messages) =>
        HashRequest(model, endpoint: null, options, messages);

    /// <inheritdoc cref="HashRequest(ModelName, ChatOptions?, IEnumerable{ChatMessage})"/>
    public static string HashRequest(ModelName model, Uri? endpoint, ChatOptions? options, IEnumerable<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.ToString());
            writer.WriteString("provider", model.ProviderPrefix);
            if (endpoint is not null)
            {
                // Scheme, host, port and path: credentials in the URL never reach a key, and "/v1/" equals "/v1".
                writer.WriteString("endpoint", endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/'));
            }

            writer.WritePropertyName("options");
            WriteOptions(writer, options);
            writer.WritePropertyName("messages");
            if (PromptDigest.Of(options, messages) is { } digest)
            {
                // The very bytes WriteMessages writes: a writer without indentation writes a nested array as a whole one.
                writer.WriteRawValue(digest.Bytes, skipInputValidation: true);
            }
            else
            {
                WriteMessages(writer, messages);
            }
            writer.WriteEndObject();
        }

        return Sha256Hex(buffer.ToArray());
    }

    public static string Sha256Hex(string text) => Hashing.Sha256Hex(text);

    public static string Sha256Hex(byte[] bytes) => Hashing.Sha256Hex(bytes);

    /// <summary>The bytes <see cref="HashMessages"/> hashes: stored as they are, their SHA-256 is the interaction's <c>prompt_hash</c>.</summary>
    public static byte[] SerializeMessages(IEnumerable<ChatMessage> messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMessages(writer, messages);
        }

        return buffer.ToArray();
    }

    private static void WriteMessages(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages)
    {
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.Value);
            writer.WriteStartArray("contents");
            foreach (var content in message.Contents)
            {
                writer.WriteStartObject();
                if (content is TextContent text)
                {
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text.Text);
                }
                else
                {
                    writer.WriteString("type", content.GetType().Name);
                    writer.WriteString("json", JsonSerializer.Serialize(content, AIJsonUtilities.DefaultOptions));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions? options)
    {
        writer.WriteStartObject();
        if (options is not null)
        {
            WriteIfSet(writer, "model_id", options.ModelId);
            WriteIfSet(writer, "instructions", options.Instructions);
            WriteIfSet(writer, "temperature", options.Temperature);
            WriteIfSet(writer, "top_p", options.TopP);
            WriteIfSet(writer, "top_k", options.TopK);
            WriteIfSet(writer, "max_output_tokens", options.MaxOutputTokens);
            WriteIfSet(writer, "frequency_penalty", options.FrequencyPenalty);
            WriteIfSet(writer, "presence_penalty", options.PresencePenalty);
            WriteIfSet(writer, "seed", options.Seed);
            if (options.StopSequences is { Count: > 0 } stops)
            {
                writer.WriteStartArray("stop_sequences");
                foreach (var stop in stops)
                {
                    writer.WriteStringValue(stop);
                }

                writer.WriteEndArray();
            }

            if (options.ResponseFormat is { } format)
            {
                writer.WriteString("response_format", JsonSerializer.Serialize(format, AIJsonUtilities.DefaultOptions));
            }

            // Only entries that can change an answer: the gateway's own per-call keys (attempt, cache mode, caller) never do.
            if (options.AdditionalProperties is { } extra && extra.Keys.Any(k => !ModelCallKeys.IsInternal(k)))
            {
                writer.WriteStartObject("additional_properties");
                foreach (var (key, value) in extra.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (ModelCallKeys.IsInternal(key))
                    {
                        continue;
                    }

                    writer.WriteString(key, ValueFingerprint(value));
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    // A framework is identified by its text (everything else is parsed from it), not by the
    // absolute path it was read from, so cache keys are the same on every machine.
    private static string ValueFingerprint(object? value) => value switch
    {
        null => "null",
        string s => s,
        Framework framework => "framework:" + Sha256Hex(framework.Text),
        _ => JsonSerializer.Serialize(value, value.GetType()),
    };

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, float? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
