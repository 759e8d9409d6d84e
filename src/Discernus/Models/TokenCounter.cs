using Microsoft.ML.Tokenizers;

namespace Discernus.Models;

/// <summary>
/// Counts the tokens of a text for one model, for estimates and limits. OpenAI's current models (gpt-4o, gpt-4.1,
/// gpt-4.5, gpt-5, o1/o3/o4) are counted exactly with their <c>o200k_base</c> encoding (Microsoft.ML.Tokenizers; the
/// vocabulary ships inside the Microsoft.ML.Tokenizers.Data.O200kBase package, nothing is downloaded). Every other
/// model, whose tokenizer is not published as data we can ship, is estimated at four characters per token, the usual
/// rule of thumb for English prose (typically within ±20 % for Claude, Gemini and Llama tokenizers).
/// </summary>
internal sealed class TokenCounter
{
    public const double CharactersPerToken = 4.0;

    private static readonly string[] O200kPrefixes = ["gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "chatgpt-4o", "o1", "o3", "o4"];

    private readonly Tokenizer? _tokenizer;

    private TokenCounter(Tokenizer? tokenizer, string method)
    {
        _tokenizer = tokenizer;
        Method = method;
    }

    /// <summary>How tokens are counted, for output: "o200k_base" or "~4 characters per token".</summary>
    public string Method { get; }

    public bool IsExact => _tokenizer is not null;

    /// <summary>The heuristic counter (no tokenizer), for models without a published tokenizer.</summary>
    public static TokenCounter Heuristic { get; } = new(null, "~4 characters per token");

    /// <summary>A counter for the model, as its provider counts (<see cref="ModelProvider.TokenCounterFor"/>).</summary>
    public static TokenCounter For(ModelName model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Provider.TokenCounterFor(model.Model);
    }

    /// <summary>For an OpenAI model id (bare or vendor-qualified, <c>openai/gpt-4o</c>): exact for the o200k models, the heuristic otherwise.</summary>
    public static TokenCounter ForOpenAIModel(string id)
    {
        var slash = id.LastIndexOf('/');
        var bare = (slash >= 0 ? id[(slash + 1)..] : id).ToLowerInvariant();
        return O200kPrefixes.Any(p => bare.StartsWith(p, StringComparison.Ordinal))
            ? new TokenCounter(TiktokenTokenizer.CreateForEncoding("o200k_base"), "o200k_base")
            : Heuristic;
    }

    public long Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer is { } tokenizer ? tokenizer.CountTokens(text) : (long)Math.Ceiling(text.Length / CharactersPerToken);
    }
}
