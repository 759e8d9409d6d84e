using System.Text;
using System.Text.Json;
using Discernus.Experiments;
using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// The offline <c>lexicon</c> model (SPEC §6) behind the same <see cref="IChatClient"/> seam as hosted models.
/// It reads structured inputs from <c>ChatOptions.AdditionalProperties</c> (keys in <see cref="LexiconInputs"/>), not the
/// prompt text, and answers deterministically:
/// <list type="bullet">
/// <item>analysis: the analysis answer JSON (<c>{"dimensional_scores": {...}, "notes": "..."}</c>) computed by
/// <see cref="LexiconScorer"/> (formulas documented there);</item>
/// <item>synthesis: a short Markdown narrative from the statistics (see <see cref="LexiconSynthesisWriter"/>);</item>
/// <item>anything else: a plain-text explanation that it only answers Discernus requests.</item>
/// </list>
/// Usage reports word counts (words of the messages in, words of the answer out) so the pipeline has token-like numbers;
/// the cost is always 0. As an <see cref="IDocumentFeatureSource"/> (found with <c>GetService</c>) it describes a document
/// by its marker rates (<see cref="LexiconFeatures"/>) for the calibration head.
/// </summary>
internal sealed class LexiconChatClient : OfflineChatClient, IDocumentFeatureSource
{
    public const string ModelId = "lexicon";

    // Markers are the same for every document of a framework: built once per client.
    private readonly MarkerPatternCache _patterns = new();

    public LexiconChatClient()
        : this(LexiconTexts.LoadDefault())
    {
    }

    internal LexiconChatClient(LexiconTexts texts)
        : base("lexicon", ModelId, texts)
    {
    }

    public string FeatureSet => LexiconFeatures.FeatureSet;

    public Task<float[]> FeaturesAsync(Framework framework, string documentText, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(LexiconFeatures.Of(framework, documentText, _patterns));
    }

    protected override Task<string> AnalyseAsync(Framework framework, string documentText, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Analyse(framework, documentText));
    }

    private string Analyse(Framework framework, string documentText)
    {
        var document = LexiconScorer.Prepare(documentText);
        var scores = LexiconScorer.ScoreAll(framework.Dimensions, document, Texts.Analysis.NotScorableReason.Trim(), _patterns);

        return OfflineAnswer.Write(
            scores.Select(s => new OfflineDimensionAnswer(s.Dimension, s.RawScore, s.Salience, s.Confidence, s.Evidence, s.NotScorableReason)),
            LexiconTexts.Fill(
                Texts.Analysis.Notes,
                ("words", document.WordCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("scorable", scores.Count(s => s.IsScorable).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("dimensions", scores.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
