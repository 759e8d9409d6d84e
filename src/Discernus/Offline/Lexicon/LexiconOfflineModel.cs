using Discernus.Models;
using Microsoft.Extensions.AI;

namespace Discernus.Offline.Lexicon;

/// <summary>
/// The <c>lexicon</c> registration, made like minilm's (<see cref="IOfflineModel"/>) but by every host of the library
/// itself, since it needs nothing a host could lack: no weights, no store, no runtime. It holds only its texts.
/// </summary>
internal sealed class LexiconOfflineModel : IOfflineModel
{
    private readonly LexiconTexts _texts = LexiconTexts.LoadDefault();

    public ModelProvider Provider => ModelProvider.Lexicon;

    public IChatClient CreateClient() => new LexiconChatClient(_texts);

    /// <summary>The offline models a host offers: the lexicon, then those the composition root registered (minilm).</summary>
    public static List<IOfflineModel> With(IEnumerable<IOfflineModel> registered) =>
        [new LexiconOfflineModel(), .. registered.Where(m => m.Provider != ModelProvider.Lexicon)];

    public void Dispose()
    {
        // Nothing to release: the texts are plain strings.
    }
}
