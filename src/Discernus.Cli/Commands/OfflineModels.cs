using Discernus.Artifacts;
using Discernus.MiniLM;
using Discernus.Models;

namespace Discernus.Cli.Commands;

/// <summary>The offline models the discernus command ships beside the built-in lexicon, and how a run announces each.</summary>
internal static class OfflineModels
{
    /// <summary>Registered with every host the command starts (run and worker), so any of them can analyse with <c>minilm</c>.</summary>
    public static IReadOnlyList<Func<IArtifactStore, IOfflineModel>> Registrations { get; } = [store => new MiniLMOfflineModel(store)];

    /// <summary>The console line that says an offline baseline, not a language model, produces the scores.</summary>
    public static string Announcement(string model) =>
        ModelName.TryParse(model, out var name, out _) && name.Provider == ModelProvider.MiniLM
            ? "[yellow]Model: minilm[/] — the offline semantic baseline (all-MiniLM-L6-v2 sentence embeddings compared with the framework's descriptions, anchors and markers; no language model, no API key). Set --model or DISCERNUS_MODEL for an LLM."
            : "[yellow]Model: lexicon[/] — the offline dictionary baseline (marker-phrase counts, no language model, no API key). Set --model or DISCERNUS_MODEL for an LLM.";
}
