namespace Discernus.Models;

/// <summary>The providers a <see cref="ModelName"/> can name; the wire protocol follows from the provider.</summary>
internal enum ModelProvider
{
    /// <summary>The offline dictionary analyzer (<see cref="LexiconChatClient"/>).</summary>
    Lexicon,
    /// <summary>The offline semantic baseline: all-MiniLM-L6-v2 sentence embeddings, registered by the host (<see cref="IOfflineModel"/>).</summary>
    MiniLM,
    OpenAI,
    Anthropic,
    /// <summary>Google Gemini through its OpenAI-compatible endpoint.</summary>
    Gemini,
    OpenRouter,
    Ollama,
    /// <summary>Any server that speaks the OpenAI chat-completions protocol at a configured base URL.</summary>
    OpenAICompatible,
}
