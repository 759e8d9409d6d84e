using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Discernus.Models;

/// <summary>
/// USD prices per million tokens: by default the rows each <see cref="ModelProvider"/> lists (<see cref="LoadDefault"/>),
/// or a table in YAML (<see cref="Parse"/>). A model id is matched without its vendor part (the part after the last
/// "/", so <c>openrouter/openai/gpt-4o</c> is priced as <c>gpt-4o</c>), ignoring case: an exact match, or a dated or
/// tagged release of a listed model ("claude-sonnet-4-20250514", "gpt-4o-2024-08-06", "claude-3-5-sonnet-latest",
/// "...@2024"). Unknown models have no price: their cost is null, never estimated.
/// </summary>
internal sealed class PriceTable
{
    private readonly IReadOnlyList<ModelPrice> _prices;

    public PriceTable(IEnumerable<ModelPrice> prices)
    {
        // Longest first so the most specific entry wins a prefix match.
        _prices = prices.OrderByDescending(p => p.Model.Length).ThenBy(p => p.Model, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<ModelPrice> Prices => _prices;

    /// <summary>The table shipped with Discernus: every provider's price rows.</summary>
    public static PriceTable LoadDefault() => new(ModelProvider.All.SelectMany(p => p.Prices));

    /// <summary>
    /// A table in YAML: a <c>models</c> list of rows with <c>model</c>, <c>input</c>, <c>output</c> and optionally
    /// <c>cached_input</c>, <c>cache_write</c>, <c>batch_input</c>, <c>batch_output</c>, <c>batch_cached_input</c>,
    /// <c>as_of</c> and <c>source</c> (a key of an optional <c>sources</c> map, or the text itself).
    /// </summary>
    public static PriceTable Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var models = (YamlSequenceNode)root.Children[new YamlScalarNode("models")];
        var sources = root.Children.TryGetValue(new YamlScalarNode("sources"), out var sourceNode) && sourceNode is YamlMappingNode sourceMap
            ? sourceMap.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var prices = new List<ModelPrice>();
        foreach (var item in models.Children.Cast<YamlMappingNode>())
        {
            string? Optional(string key) => item.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlScalarNode)node).Value : null;
            string Scalar(string key) => Optional(key) ?? throw new FormatException($"price entry without '{key}'");
            decimal? Price(string key) => Optional(key) is { } text ? decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) : null;
            prices.Add(new ModelPrice(Scalar("model"), Price("input") ?? throw new FormatException("price entry without 'input'"), Price("output") ?? throw new FormatException("price entry without 'output'"))
            {
                CachedInputPerMillion = Price("cached_input"),
                CacheWritePerMillion = Price("cache_write"),
                BatchInputPerMillion = Price("batch_input"),
                BatchOutputPerMillion = Price("batch_output"),
                BatchCachedInputPerMillion = Price("batch_cached_input"),
                AsOf = Optional("as_of"),
                Source = Optional("source") is { } source && sources.TryGetValue(source, out var url) ? url : Optional("source"),
            });
        }

        return new PriceTable(prices);
    }

    /// <summary>The price of a model, or null when it is not listed. The offline models (lexicon, minilm) are free.</summary>
    public ModelPrice? Find(ModelName model)
    {
        if (!model.IsHosted)
        {
            return new ModelPrice(model.Model, 0m, 0m) { BatchInputPerMillion = 0m, BatchOutputPerMillion = 0m };
        }

        var id = model.Model;
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            id = id[(slash + 1)..];
        }

        id = id.ToLowerInvariant();
        foreach (var price in _prices)
        {
            var key = price.Model.ToLowerInvariant();
            if (id == key || (id.StartsWith(key, StringComparison.Ordinal) && IsVersionSuffix(id.AsSpan(key.Length))))
            {
                return price;
            }
        }

        return null;
    }

    // A dated or tagged release of a listed model ("-20250514", "-latest", "-preview-05-20", "@2024")
    // costs what the listed model costs; any other continuation ("gpt-4o-audio") is a different model.
    private static bool IsVersionSuffix(ReadOnlySpan<char> rest) =>
        rest.Length > 1 && (rest[0] == '@'
            || (rest[0] == '-' && (char.IsAsciiDigit(rest[1]) || rest[1..].StartsWith("latest") || rest[1..].StartsWith("preview") || rest[1..].StartsWith("exp"))));

    /// <summary>
    /// Cost of a call as billed in <paramref name="mode"/> (cached input at the cached rate), or null when the model, its
    /// price in that mode or the token counts are unknown.
    /// </summary>
    public decimal? CostOf(ModelName model, ProviderUsage? usage, BillingMode mode = BillingMode.Interactive)
    {
        if (Find(model) is not { } price)
        {
            return null;
        }

        if (!model.IsHosted)
        {
            return 0m;
        }

        return usage is null ? null : price.CostOf(usage, mode);
    }

    /// <summary>Cost of a call, or null when the model or the token counts are unknown.</summary>
    public decimal? CostOf(ModelName model, long? promptTokens, long? completionTokens)
    {
        if (Find(model) is not { } price)
        {
            return null;
        }

        if (!model.IsHosted)
        {
            return 0m;
        }

        return promptTokens is null && completionTokens is null ? null : price.CostOf(promptTokens ?? 0, completionTokens ?? 0);
    }
}
