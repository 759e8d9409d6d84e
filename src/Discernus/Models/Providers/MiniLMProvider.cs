namespace Discernus.Models;

/// <summary>The offline semantic baseline: all-MiniLM-L6-v2 sentence embeddings, in the Discernus.MiniLM assembly the CLI registers.</summary>
internal sealed record MiniLMProvider : OfflineProvider
{
    public override string Name => "minilm";

    public override string NotRegisteredMessage(ModelName model) =>
        $"The offline model '{model}' is not available in this program: it ships in the Discernus.MiniLM assembly, which the discernus command registers. " +
        $"Run it with the discernus command, or choose '{ModelName.LexiconName}' or a hosted model.";
}
