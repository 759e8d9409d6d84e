using Microsoft.Extensions.AI;

namespace Discernus.Models;

/// <summary>
/// An offline model that runs in-process: <c>lexicon</c> (Discernus.Offline.Lexicon, which every host of the library
/// registers) or <c>minilm</c>, in an assembly of its own (Discernus.MiniLM, which carries an ONNX runtime and model
/// weights the core library should not, registered by the CLI). The host creates it once per process and hands it to the <see cref="ModelGateway"/> through
/// <see cref="ModelGatewayOptions.OfflineModels"/>; it owns the heavy parts (loaded weights, caches) and is disposed
/// by whoever created it, after every client it made.
/// </summary>
public interface IOfflineModel : IDisposable
{
    /// <summary>The provider this model answers for (an offline <see cref="ModelProvider"/>: lexicon, minilm).</summary>
    ModelProvider Provider { get; }

    /// <summary>A light client over the shared model; the gateway adds interaction recording around it.</summary>
    IChatClient CreateClient();

    /// <summary>
    /// Begins loading, in the background, what the first answer would otherwise wait for (a run that names this model
    /// was submitted in this process). A load that fails fails again, with its reason, at the first answer.
    /// </summary>
    void WarmUp()
    {
    }
}
