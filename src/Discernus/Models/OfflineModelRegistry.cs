using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>Finds the registered <see cref="IOfflineModel"/> for a model name, or says how to get one.</summary>
internal static class OfflineModelRegistry
{
    public static IChatClient CreateClient(IReadOnlyList<IOfflineModel> models, ModelName model)
    {
        var registered = models.FirstOrDefault(m => m.Provider == model.Provider)
            ?? throw new ModelConfigurationException(
                $"The offline model '{model}' is not available in this program: it ships in the Discernus.MiniLM assembly, which the discernus command registers. " +
                $"Run it with the discernus command, or choose '{ModelName.LexiconName}' or a hosted model.");
        return registered.CreateClient();
    }
}
