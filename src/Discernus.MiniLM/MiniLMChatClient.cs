using System.Globalization;
using System.Text;
using System.Text.Json;
using Discernus.Concurrency;
using Discernus.Content;
using Discernus.Experiments;
using Discernus.Models;
using Discernus.Offline;
using Discernus.Offline.Lexicon;
using Discernus.Provenance;
using Microsoft.Extensions.AI;

namespace Discernus.MiniLM;

/// <summary>
/// The offline semantic baseline <c>minilm</c> behind the same <see cref="IChatClient"/> seam as every model. Like the
/// <see cref="LexiconChatClient"/> it reads the parsed framework and the document text from
/// <c>ChatOptions.AdditionalProperties</c> (keys in <see cref="LexiconInputs"/>), not from the prompt, and answers:
/// <list type="bullet">
/// <item>analysis: the analysis answer JSON, every dimension scored by <see cref="SemanticScorer"/> from sentence
/// embeddings (markers are optional);</item>
/// <item>synthesis: the lexicon's template narrative from the statistics, titled as the semantic baseline;</item>
/// <item>anything else: a plain-text explanation that it only answers Discernus requests.</item>
/// </list>
/// Usage reports word counts, as the lexicon does; the cost is always 0. As an <see cref="IDocumentFeatureSource"/>
/// (found with <c>GetService</c>) it describes a document for the calibration head by the unit-length mean of its units'
/// embeddings (the units and cached embeddings the analysis used) followed by the lexicon's marker rates.
/// </summary>
internal sealed class MiniLMChatClient : OfflineChatClient, IDocumentFeatureSource
{
    public const string ModelId = ModelName.MiniLMName;
    public const string DocumentFeatureSet = "minilm document embedding + lexicon counts";

    private readonly ISentenceEmbedder _embedder;
    // A run analyses every document with the same framework: its dimension profiles are computed once per client.
    private readonly SharedTasks<string, IReadOnlyList<DimensionProfile>> _profiles = new(StringComparer.Ordinal);
    private readonly MarkerPatternCache _patterns = new();

    public MiniLMChatClient(ISentenceEmbedder embedder, LexiconTexts texts)
        : base(ModelName.MiniLMName, ModelId, texts)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        _embedder = embedder;
    }

    public string FeatureSet => DocumentFeatureSet;

    /// <summary>
    /// The L2-normalised mean of the document's unit embeddings, then <see cref="LexiconFeatures"/>. A document without a
    /// unit (no words) is embedded whole, so every document gets a vector of the same length.
    /// </summary>
    public async Task<float[]> FeaturesAsync(Framework framework, string documentText, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(documentText);
        var units = SemanticUnits.Of(documentText);
        var texts = units.Count > 0 ? units.Select(u => u.Quote).ToList() : [documentText];
        var vectors = await _embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
        return [.. Vectors.Normalize(Vectors.Mean(vectors)), .. LexiconFeatures.Of(framework, documentText, _patterns)];
    }

    /// <summary>The scores of every dimension for one document (the analysis answer before it is written as JSON).</summary>
    internal async Task<(IReadOnlyList<SemanticScore> Scores, int Units)> ScoreAsync(Framework framework, string documentText, CancellationToken cancellationToken = default)
    {
        var profiles = await ProfilesAsync(framework, cancellationToken).ConfigureAwait(false);
        var units = SemanticUnits.Of(documentText);
        var vectors = await _embedder.EmbedAsync(units.Select(x => x.Quote).ToList(), cancellationToken).ConfigureAwait(false);
        return (SemanticScorer.Score(profiles, units, vectors), units.Count);
    }

    protected override async Task<string> AnalyseAsync(Framework framework, string documentText, CancellationToken cancellationToken)
    {
        var (scores, units) = await ScoreAsync(framework, documentText, cancellationToken).ConfigureAwait(false);
        return Write(scores, units);
    }

    private async Task<IReadOnlyList<DimensionProfile>> ProfilesAsync(Framework framework, CancellationToken cancellationToken)
    {
        var texts = framework.Dimensions.Select(DimensionTexts.Of).ToList();
        var key = Hashing.Sha256Hex(JsonSerializer.Serialize(texts.Select(t => new[] { t.Name, t.Definition, string.Join('\u001f', t.Guidance), string.Join('\u001f', t.Markers), string.Join('\u001f', t.CounterMarkers) })));
        // The first documents of a run arrive together: they share one computation (a framework can have hundreds of
        // dimension texts), which no single caller's cancellation stops; one that fails is forgotten, to be tried again.
        return await _profiles.GetAsync(key, _ => ComputeProfilesAsync(texts), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<DimensionProfile>> ComputeProfilesAsync(IReadOnlyList<DimensionTexts> texts)
    {
        var all = texts.SelectMany(t => t.All).Distinct(StringComparer.Ordinal).ToList();
        var vectors = await _embedder.EmbedAsync(all, CancellationToken.None).ConfigureAwait(false);
        var byText = all.Zip(vectors).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        return texts.Select(t => DimensionProfile.Of(t, byText)).ToList();
    }

    private string Write(IReadOnlyList<SemanticScore> scores, int units) =>
        OfflineAnswer.Write(
            scores.Select(s => new OfflineDimensionAnswer(s.Dimension, s.RawScore, s.Salience, s.Confidence, s.Evidence)),
            LexiconTexts.Fill(
                Texts.Analysis.Notes,
                ("units", units.ToString(CultureInfo.InvariantCulture)),
                ("dimensions", scores.Count.ToString(CultureInfo.InvariantCulture))));
}
