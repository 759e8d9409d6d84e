using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// An offline model that runs in-process like <c>lexicon</c> but ships in an assembly of its own (<c>minilm</c> in
/// Discernus.MiniLM, which carries an ONNX runtime and model weights the core library should not). The composition root
/// creates it once per process and hands it to the <see cref="ModelGateway"/> through
/// <see cref="ModelGatewayOptions.OfflineModels"/>; it owns the heavy parts (loaded weights, caches) and is disposed
/// by whoever created it, after every client it made.
/// </summary>
internal interface IOfflineModel : IDisposable
{
    /// <summary>The provider this model answers for (<see cref="ModelProvider.MiniLM"/>).</summary>
    ModelProvider Provider { get; }

    /// <summary>A light client over the shared model; the gateway adds interaction recording around it.</summary>
    IChatClient CreateClient();
}
