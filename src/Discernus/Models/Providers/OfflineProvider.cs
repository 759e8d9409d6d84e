using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>A model that runs in this process: the host registers its <see cref="IOfflineModel"/>, the gateway only looks it up.</summary>
internal abstract record OfflineProvider : ModelProvider
{
    public override bool IsOffline => true;

    /// <summary>Said when no host registered the model, with what to do instead.</summary>
    public abstract string NotRegisteredMessage(ModelName model);

    internal override IChatClient CreateClient(ModelName model, ProviderClientContext context) =>
        OfflineModelRegistry.CreateClient(context.Options.OfflineModels, model);
}
