using Discernus.Artifacts;
using Discernus.Models;

namespace Discernus.Orchestration;

/// <summary>
/// The model response cache over the artifact store: answers are stored by their own hash and found again through
/// a ref named by the request hash, so an analysis whose inputs were seen before is not asked of the model again.
/// </summary>
internal sealed class ArtifactResponseCache(IArtifactStore store) : IResponseCache
{
    public async ValueTask<CachedChatResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var hash = await store.GetRefAsync(RefName(key), cancellationToken).ConfigureAwait(false);
        if (hash is null)
        {
            return null;
        }

        var bytes = await store.GetAsync(hash, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : CachedChatResponse.FromJsonBytes(bytes);
    }

    public async ValueTask SetAsync(string key, CachedChatResponse response, CancellationToken cancellationToken = default)
    {
        var hash = await store.PutAsync(response.ToJsonBytes(), cancellationToken).ConfigureAwait(false);
        await store.SetRefAsync(RefName(key), hash, cancellationToken).ConfigureAwait(false);
    }

    private static string RefName(string key) => $"model-cache/{key[..2]}/{key}";
}
