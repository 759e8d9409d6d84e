namespace Discernus.Models;

/// <summary>The batch APIs Discernus speaks; a provider names the one its endpoint serves.</summary>
internal enum BatchProtocol
{
    None,
    /// <summary>OpenAI's Files and Batches endpoints (also served by OpenAI-compatible servers that implement them).</summary>
    OpenAI,
    /// <summary>Anthropic's Message Batches.</summary>
    Anthropic,
}
