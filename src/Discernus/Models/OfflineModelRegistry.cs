using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>Finds the registered <see cref="IOfflineModel"/> for a model name, or says how to get one.</summary>
internal static class OfflineModelRegistry
{
    public static IChatClient CreateClient(IReadOnlyList<IOfflineModel> models, ModelName model)
    {
        var registered = Find(models, model)
            ?? throw new ModelConfigurationException(model.Provider is OfflineProvider offline
                ? offline.NotRegisteredMessage(model)
                : $"The model '{model}' is not an offline model.");
        return registered.CreateClient();
    }

    /// <summary>The registered model of <paramref name="model"/>'s provider; null when none is (or the model is hosted).</summary>
    public static IOfflineModel? Find(IReadOnlyList<IOfflineModel> models, ModelName model) =>
        models.FirstOrDefault(m => m.Provider == model.Provider);
}
