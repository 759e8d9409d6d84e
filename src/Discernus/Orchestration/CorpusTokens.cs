using Discernus.Experiments;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>
/// The documents' tokens for each hosted model, counted as the documents stream past in their one read
/// (<see cref="Observe"/>), so that the cost estimate never reads the corpus again.
/// </summary>
internal sealed class CorpusTokens
{
    private readonly Dictionary<string, (TokenCounter Counter, long Tokens)> _models = new(StringComparer.Ordinal);

    /// <param name="models">The run's models; those that are not hosted (and cost nothing) are not counted.</param>
    public CorpusTokens(IEnumerable<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var model in models)
        {
            if (ModelName.TryParse(model, out var name, out _) && name.IsHosted && !_models.ContainsKey(model))
            {
                _models[model] = (TokenCounter.For(name), 0);
            }
        }
    }

    /// <summary>How many documents were counted.</summary>
    public int Documents { get; private set; }

    public void Observe(DocumentContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Documents++;
        foreach (var model in _models.Keys)
        {
            var (counter, tokens) = _models[model];
            _models[model] = (counter, tokens + counter.Count(content.Text));
        }
    }

    /// <summary>The counter used for <paramref name="model"/> (a tokenizer takes a moment to load: it is loaded once).</summary>
    internal TokenCounter? CounterFor(string model) => _models.TryGetValue(model, out var counted) ? counted.Counter : null;

    /// <summary>The tokens of every document's text for <paramref name="model"/>, or null when it was not counted.</summary>
    public long? TokensFor(string model) => _models.TryGetValue(model, out var counted) ? counted.Tokens : null;
}
