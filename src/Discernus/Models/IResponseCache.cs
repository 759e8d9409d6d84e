namespace Discernus.Models;

/// <summary>
/// Stored model answers, keyed by <see cref="ChatRequestHasher.HashRequest"/> (lowercase hex SHA-256 of model, options
/// and messages). The artifact-store implementation lives with the artifact store; implementations must be safe
/// for concurrent calls, and a <c>SetAsync</c> of an existing key may keep either value (both answered the same request).
/// </summary>
internal interface IResponseCache
{
    ValueTask<CachedChatResponse?> GetAsync(string key, CancellationToken cancellationToken = default);

    ValueTask SetAsync(string key, CachedChatResponse response, CancellationToken cancellationToken = default);
}
